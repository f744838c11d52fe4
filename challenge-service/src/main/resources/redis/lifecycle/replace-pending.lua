-- A new push challenge takes the user's place in the pending index, displacing every other one
-- (decision 26: a newer push supersedes the pending ones). One script on the index, so of
-- concurrent initiations each displaces the ones before it and exactly one stays.
-- KEYS[1]: the user's pending index cs:{u:<tenant>:<userId>}:pending
-- ARGV: now (epoch ms), challengeId, deadline (epoch ms), index TTL ms
-- Entries past their deadline are dropped (the sweeper ends them), not displaced.
-- Reply: the displaced challenge ids (possibly none).
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local displaced = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if id ~= ARGV[2] then
    displaced[#displaced + 1] = id
  end
end
redis.call('DEL', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return displaced
