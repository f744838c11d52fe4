-- The sweeper's step on one challenge whose deadline is due.
-- needs: prelude/keep-at-least
-- KEYS[1]: the challenge hash cs:{ch:<challengeId>}
-- ARGV: now (epoch ms), outbox retention ms
-- A pending challenge past its deadline becomes expired and records challenge.expired.
-- Reply: {'expired', fields} | {'already', fields} (expired before) | {'open', fields} (deadline
--        not reached) | {'ended', fields} (answered or burned) | {'missing'}; the sweeper publishes
--        whatever events are still pending in the fields.
local c = redis.call('HMGET', KEYS[1], 'state', 'expiresAt', 'version')
if not c[1] then
  return {'missing'}
end
if c[1] == 'pending' then
  if tonumber(c[2]) > tonumber(ARGV[1]) then
    return {'open', redis.call('HGETALL', KEYS[1])}
  end
  local version = tonumber(c[3]) + 1
  redis.call('HSET', KEYS[1], 'state', 'expired', 'version', version, 'endedAt', ARGV[1],
    'evt:' .. version .. ':challenge.expired', ARGV[1])
  keep_at_least(KEYS[1], ARGV[2])
  return {'expired', redis.call('HGETALL', KEYS[1])}
end
if c[1] == 'expired' then
  return {'already', redis.call('HGETALL', KEYS[1])}
end
return {'ended', redis.call('HGETALL', KEYS[1])}
