-- Claims a due entry of the unpublished index for one repairer.
-- KEYS[1]: the unpublished index cs:{outbox}:challenges
-- ARGV: challengeId, now (epoch ms), lease end (with a unique fraction)
-- An entry due at or before now is moved to the lease end; a repairer that dies leaves the entry
-- due again at the lease end.
-- Reply: the new score when claimed; false (nil) when not due or not listed.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then
  return false
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return redis.call('ZSCORE', KEYS[1], ARGV[1])
