-- Published events leave the outbox.
-- KEYS[1]: the challenge hash cs:{ch:<challengeId>}
-- ARGV: now (epoch ms), the challenge's retention ms, then the field of each published event
-- (evt:<version>:<type>), one or more: the events of a snapshot are acknowledged in one call.
-- Removes the fields (those still there) and, when no event is pending any more, sets the TTL the
-- hash would have had without the outbox: retention after its deadline (or after now, if that passed).
-- Reply: how many events are still pending; -1 when the hash is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
for i = 3, #ARGV do
  redis.call('HDEL', KEYS[1], ARGV[i])
end
local left = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 4) == 'evt:' then
    left = left + 1
  end
end
if left == 0 then
  local deadline = tonumber(redis.call('HGET', KEYS[1], 'expiresAt') or ARGV[1])
  redis.call('PEXPIREAT', KEYS[1], math.max(deadline, tonumber(ARGV[1])) + tonumber(ARGV[2]))
end
return left
