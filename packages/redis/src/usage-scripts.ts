/**
 * The usage store's housekeeping scripts. Each touches one key, so each runs on a Redis Cluster and on Upstash
 * as it is, and each is atomic: no add lands halfway through one.
 *
 * The days index is a sorted set of the UTC days that have rows, scored by the day's number (days since
 * 1970-01-01) while the day is rolled up, by that number plus `PENDING` while it may hold hourly rows, and by
 * that plus `CLAIMED` while a run works on it. Every add scores its day pending, so an add that lands while a
 * run works on the day overwrites the claim and the run leaves the day for the next one. A claimed day stays
 * claimable, so a run killed halfway leaves its day to the next run rather than losing it.
 */

/** Added to a day's score while it may hold hourly rows; day numbers of the years 0–9999 stay far below it. */
export const PENDING = 10_000_000;

/** Added to a pending score while a run works on the day: it sorts with the pending days, and no add writes it. */
export const CLAIMED = 0.5;

/**
 * Claims the oldest day before a cutoff. KEYS[1] the days index. ARGV: "rollup" or "prune", the cutoff's day
 * number, `PENDING`, `CLAIMED`. A rollup takes the oldest pending or claimed day; a prune takes the oldest
 * rolled-up day, else the oldest pending or claimed one. Either scores it claimed. Returns `{ day, more }`
 * (more: 1 when another day is left to claim), or `{}`.
 */
export const CLAIM_DAY_SCRIPT = `
local cutoff = tonumber(ARGV[2])
local pending = tonumber(ARGV[3])
local claimed = tonumber(ARGV[4])
local function oldest(low, high)
  return redis.call("ZRANGEBYSCORE", KEYS[1], low, "(" .. high, "WITHSCORES", "LIMIT", 0, 2)
end
local found = oldest(pending / 2, pending + cutoff)
local day, number, more
local done = ARGV[1] == "prune" and oldest("-inf", cutoff) or {}
if done[1] then
  day, number, more = done[1], tonumber(done[2]), done[3] or found[1]
elseif found[1] then
  day, number, more = found[1], math.floor(tonumber(found[2]) - pending), found[3]
else
  return {}
end
redis.call("ZADD", KEYS[1], number + pending + claimed, day)
return { day, more and 1 or 0 }
`;

/**
 * Ends the work on a claimed day, unless an add re-marked it since. KEYS[1] the days index. ARGV: "rollup" or
 * "prune", the day, its claimed score, its rolled-up score. A rollup scores the day rolled up; a prune
 * removes it. Returns 1 when the day was still claimed.
 */
export const FINISH_DAY_SCRIPT = `
local score = redis.call("ZSCORE", KEYS[1], ARGV[2])
if not score or tonumber(score) ~= tonumber(ARGV[3]) then return 0 end
if ARGV[1] == "prune" then
  redis.call("ZREM", KEYS[1], ARGV[2])
else
  redis.call("ZADD", KEYS[1], tonumber(ARGV[4]), ARGV[2])
end
return 1
`;

// A field is JSON ["HH", model, counter]: characters 3–4 are the hour, and everything before the last comma
// names the row (counter names hold no comma, models are JSON-quoted), so no script needs a JSON decoder.

/**
 * Folds one hash (one key's day) into its "00" fields. KEYS[1] the hash. Every other hour's field is added to
 * the "00" field of the same model and counter, then deleted. Returns the hourly rows folded.
 */
export const FOLD_DAY_SCRIPT = `
local all = redis.call("HGETALL", KEYS[1])
local rows, count = {}, 0
for i = 1, #all, 2 do
  local field = all[i]
  if string.sub(field, 3, 4) ~= "00" then
    redis.call("HINCRBY", KEYS[1], '["00' .. string.sub(field, 5), all[i + 1])
    redis.call("HDEL", KEYS[1], field)
    local row = string.match(field, "^(.*),")
    if not rows[row] then rows[row] = true; count = count + 1 end
  end
end
return count
`;

/** Deletes one hash (one key's day). KEYS[1] the hash. Returns the rows it held. */
export const DROP_DAY_SCRIPT = `
local rows, count = {}, 0
for _, field in ipairs(redis.call("HKEYS", KEYS[1])) do
  local row = string.match(field, "^(.*),")
  if not rows[row] then rows[row] = true; count = count + 1 end
end
redis.call("DEL", KEYS[1])
return count
`;
