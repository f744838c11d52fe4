-- An in-app verification: the challenge was made without a user; the verifying credential's
-- signature binds it.
-- needs: prelude/keep-at-least
-- KEYS[1]: the challenge hash cs:{ch:<challengeId>}
-- ARGV: tenantId, userId, credentialId, actionCode ('' = keep the challenge's), idempotencyKey,
--       now (epoch ms), outbox retention ms
-- Only a pending, unexpired in-app challenge of this tenant is approved, once: user, credential,
-- action and idempotency key are written with the state, version+1 and its challenge.approved event.
-- Reply: {'ok', fields} | {'answered'} | {'expired'} | {'not_found'}
local c = redis.call('HMGET', KEYS[1], 'tenantId', 'kind', 'state', 'expiresAt', 'version', 'actionCode')
if not c[1] or c[1] ~= ARGV[1] or c[2] ~= 'in-app' then
  return {'not_found'}
end
if c[3] == 'expired' or c[3] == 'burned' then
  return {'expired'}
end
if c[3] ~= 'pending' then
  return {'answered'}
end
if tonumber(c[4]) <= tonumber(ARGV[6]) then
  return {'expired'}
end
local version = tonumber(c[5]) + 1
local action = c[6]
if ARGV[4] ~= '' then
  action = ARGV[4]
end
redis.call('HSET', KEYS[1], 'state', 'approved', 'userId', ARGV[2], 'targets', ARGV[3],
  'credentialId', ARGV[3], 'actionCode', action, 'idempotencyKey', ARGV[5], 'version', version,
  'endedAt', ARGV[6], 'evt:' .. version .. ':challenge.approved', ARGV[6])
keep_at_least(KEYS[1], ARGV[7])
return {'ok', redis.call('HGETALL', KEYS[1])}
