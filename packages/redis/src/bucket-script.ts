/**
 * The token bucket as one Lua script, a line-for-line mirror of core's `takeFromBucket` and `bucketTtlMs`
 * (packages/core/src/bucket.ts). Redis runs a script atomically, so the read-modify-write can never
 * interleave with another take: that is what makes the limiter exact under any concurrency.
 *
 * KEYS[1] bucket key. ARGV: cost, capacity, refillPerSecond, ttlSeconds, force ("1"/"0").
 * Returns { allowed (0/1), remaining, retryAfterMs } with the two numbers as strings, because Redis
 * truncates Lua numbers to integers in replies; "inf" stands for a bucket that never refills.
 *
 * Time comes from the Redis server (`TIME`), not from the caller: a gateway runs in many regions or processes
 * whose clocks drift apart, and a caller whose clock runs ahead would refill buckets early (over-admit),
 * one behind would refill late. One clock, the primary's, keeps every region on the same timeline.
 * Redis 5+ replicates script effects rather than the script, so reading TIME before a write is allowed.
 */
export const BUCKET_SCRIPT = `
local cost = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local refill = tonumber(ARGV[3])
local ttlSeconds = tonumber(ARGV[4])
local force = ARGV[5] == "1"
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000

local stored = redis.call("HMGET", KEYS[1], "tokens", "ts")
local tokens = capacity
if stored[1] and stored[2] then
  local elapsed = math.max(0, now - tonumber(stored[2])) / 1000
  tokens = math.min(capacity, tonumber(stored[1]) + elapsed * refill)
end

local allowed = 0
local remaining = tokens
local retry = "0"
if force or cost <= tokens then
  allowed = 1
  remaining = math.min(capacity, tokens - cost)
else
  local missing = cost - tokens
  if refill > 0 then
    retry = string.format("%.17g", math.ceil((missing / refill) * 1000))
  else
    retry = "inf"
  end
end

local fmt = function(x) return string.format("%.17g", x) end
redis.call("HSET", KEYS[1], "tokens", fmt(remaining), "ts", fmt(now))
local ttl = 1000
if refill > 0 then ttl = math.max(ttl, ((capacity - remaining) / refill) * 1000) end
ttl = math.max(ttl, ttlSeconds * 1000)
redis.call("PEXPIRE", KEYS[1], math.ceil(ttl))
return { allowed, fmt(remaining), retry }
`;
