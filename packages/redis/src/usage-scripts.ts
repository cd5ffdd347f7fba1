/**
 * The usage store's housekeeping scripts. Each touches one key, so each runs on a Redis Cluster and on Upstash
 * as it is, and each is atomic: no add lands halfway through one.
 *
 * The days index is a sorted set of the UTC days that have rows, scored by the day's number (days since
 * 1970-01-01) while the day is rolled up, and by that number plus `PENDING` while it may hold hourly rows:
 * every add scores its day pending, so an add that lands after a rollup claimed the day puts it back.
 */

/** Added to a day's score while it may hold hourly rows; day numbers of the years 0–9999 stay far below it. */
export const PENDING = 10_000_000;

/**
 * Claims the oldest day before a cutoff. KEYS[1] the days index. ARGV: "rollup" or "prune", the cutoff's day
 * number, `PENDING`. For a rollup, the oldest pending day is scored as rolled up; for a prune, the oldest day
 * in either state is removed. Returns `{ day, more }` (more: 1 when another day is left to claim), or `{}`.
 */
export const CLAIM_DAY_SCRIPT = `
local cutoff = tonumber(ARGV[2])
local pending = tonumber(ARGV[3])
local function oldest(low, high)
  return redis.call("ZRANGEBYSCORE", KEYS[1], low, "(" .. high, "WITHSCORES", "LIMIT", 0, 2)
end
local found = oldest(pending / 2, pending + cutoff)
if ARGV[1] == "rollup" then
  if not found[1] then return {} end
  redis.call("ZADD", KEYS[1], tonumber(found[2]) - pending, found[1])
  return { found[1], found[3] and 1 or 0 }
end
local done = oldest("-inf", cutoff)
if done[1] then
  redis.call("ZREM", KEYS[1], done[1])
  return { done[1], (done[3] or found[1]) and 1 or 0 }
end
if not found[1] then return {} end
redis.call("ZREM", KEYS[1], found[1])
return { found[1], found[3] and 1 or 0 }
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
