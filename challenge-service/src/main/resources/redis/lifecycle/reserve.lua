-- Takes a place in the user's pending index unless the user is at the cap.
-- KEYS[1]: the user's pending index cs:{u:<tenant>:<userId>}:pending
-- ARGV: now (epoch ms), max pending, challengeId, deadline (epoch ms), index TTL ms
-- Forgets entries past their deadline first.
-- Reply: {1, deadline} when added; {0, the oldest pending deadline} when the cap is reached.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, oldest[2]}
end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1, ARGV[4]}
