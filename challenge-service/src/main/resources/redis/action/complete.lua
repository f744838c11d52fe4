-- Moves a CHALLENGE_REQUIRED action to its challenge's result, once (HSET keeps the key's TTL).
-- KEYS[1]: the action hash cs:{a:<tenant>:<idempotencyKey>}
-- ARGV: result state, now (epoch ms), verification method, verifying credentialId ('' = none;
--       recorded for a success only)
-- Reply: 'updated' | 'missing' | the state that was found instead
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return 'missing'
end
if state ~= 'CHALLENGE_REQUIRED' then
  return state
end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'stateUpdatedAt', ARGV[2], 'verificationMethod', ARGV[3])
if ARGV[4] ~= '' and ARGV[1] == 'CHALLENGE_SUCCEEDED' then
  redis.call('HSET', KEYS[1], 'verifiedByAuthenticatorId', ARGV[4])
end
return 'updated'
