-- Forgets an entry of the unpublished index (and its trace context) only if its score is still the
-- one the caller wrote or claimed: a transition after the caller's last look rewrote it.
-- KEYS[1]: the unpublished index cs:{outbox}:challenges; KEYS[2]: its trace contexts cs:{outbox}:traces
-- ARGV: challengeId, score
-- Reply: 1 when forgotten, 0 otherwise.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and score == ARGV[2] then
  redis.call('HDEL', KEYS[2], ARGV[1])
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
