-- One more consecutive rejection: the wait is base * 2^(n-1), capped; the hash lives for the
-- memory, and at least as long as the wait.
-- KEYS[1]: the user's back-off hash cs:{rl:<tenant>:u:<userId>}:backoff
-- ARGV: now (epoch ms), base ms, max ms, memory ms
-- Reply: {n, wait ms}
local now = tonumber(ARGV[1])
local base = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local memory = tonumber(ARGV[4])
local n = redis.call('HINCRBY', KEYS[1], 'rejections', 1)
local wait = max
if n <= 40 then
  wait = math.min(base * 2 ^ (n - 1), max)
end
redis.call('HSET', KEYS[1], 'until', string.format('%.0f', now + wait))
redis.call('PEXPIRE', KEYS[1], math.max(memory, wait))
return {n, wait}
