-- A published event leaves the outbox.
-- KEYS[1]: the challenge hash cs:{ch:<challengeId>}
-- ARGV: the event's field (evt:<version>:<type>), now (epoch ms), the challenge's retention ms
-- Removes the field (if still there) and, when no event is pending any more, sets the TTL the hash
-- would have had without the outbox: retention after its deadline (or after now, if that passed).
-- Reply: how many events are still pending; -1 when the hash is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
redis.call('HDEL', KEYS[1], ARGV[1])
local left = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 4) == 'evt:' then
    left = left + 1
  end
end
if left == 0 then
  local deadline = tonumber(redis.call('HGET', KEYS[1], 'expiresAt') or ARGV[2])
  redis.call('PEXPIREAT', KEYS[1], math.max(deadline, tonumber(ARGV[2])) + tonumber(ARGV[3]))
end
return left
