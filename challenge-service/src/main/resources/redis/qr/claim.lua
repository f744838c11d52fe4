-- A QR-code claim: binds an open QR challenge to the claiming credential's user.
-- needs: prelude/keep-at-least
-- KEYS[1]: the challenge hash cs:{ch:<challengeId>}
-- ARGV: tenantId, userId and credentialId of the claiming credential, now (epoch ms), outbox retention ms
-- Checks, in this order: a QR challenge of this tenant (else not_found), still pending
-- (expired/burned: expired; answered: answered), not claimed yet (answered: a second claim by any
-- credential is 409), not bound to another user (a challenge created with a track token belongs to
-- that user: not_found), before its deadline (expired). Then binds it: the user, the claiming
-- credential as its only target and as credentialId, version+1, challenge.claimed recorded.
-- Reply: {'ok', fields} | {'answered'} | {'expired'} | {'not_found'}
local c = redis.call('HMGET', KEYS[1], 'tenantId', 'kind', 'userId', 'state', 'credentialId',
  'expiresAt', 'version')
if not c[1] or c[1] ~= ARGV[1] or c[2] ~= 'qr-code' then
  return {'not_found'}
end
if c[4] == 'expired' or c[4] == 'burned' then
  return {'expired'}
end
if c[4] ~= 'pending' or (c[5] and c[5] ~= '') then
  return {'answered'}
end
if c[3] and c[3] ~= '' and c[3] ~= ARGV[2] then
  return {'not_found'}
end
if tonumber(c[6]) <= tonumber(ARGV[4]) then
  return {'expired'}
end
local version = tonumber(c[7]) + 1
redis.call('HSET', KEYS[1], 'userId', ARGV[2], 'targets', ARGV[3], 'credentialId', ARGV[3],
  'claimedAt', ARGV[4], 'version', version, 'evt:' .. version .. ':challenge.claimed', ARGV[4])
keep_at_least(KEYS[1], ARGV[5])
return {'ok', redis.call('HGETALL', KEYS[1])}
