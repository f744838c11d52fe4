-- A device's answer to a challenge that targets its credential (push, and QR after the claim).
-- needs: prelude/keep-at-least
-- KEYS[1]: the challenge hash cs:{ch:<challengeId>}
-- ARGV: tenantId, userId (of the answering credential), credentialId, approved (1|0),
--       verification code ('' = none), now (epoch ms), max wrong codes, outbox retention ms
-- Checks, in this order: the challenge is this user's and targets this credential (else not_found),
-- it is still pending (else expired — superseded and burned alike — or answered), its deadline has not passed (expired), and for an
-- approval the code when one is required: a wrong one is counted and the last allowed one burns the
-- challenge; a wrong one among the offered choices (codeChoices) burns it at once, so a device
-- shown the choices cannot try them in turn (decision 12), while a mistyped code keeps its tries. Only then the final state, the credential and version+1 are written. A burn records
-- challenge.expired, an answer challenge.approved|rejected, both at version+1.
-- Reply: {'ok', fields} | {'burned', fields} | {'wrong_code', tries left} | {'code_required'}
--        | {'answered'} | {'expired'} | {'not_found'}
local c = redis.call('HMGET', KEYS[1], 'tenantId', 'userId', 'targets', 'state', 'expiresAt',
  'verificationCode', 'wrongCodes', 'version', 'codeChoices')
if not c[1] or c[1] ~= ARGV[1] or c[2] ~= ARGV[2] then
  return {'not_found'}
end
local targeted = false
for id in string.gmatch(c[3], '%S+') do
  if id == ARGV[3] then
    targeted = true
  end
end
if not targeted then
  return {'not_found'}
end
if c[4] == 'expired' or c[4] == 'burned' or c[4] == 'superseded' then
  return {'expired'}
end
if c[4] ~= 'pending' then
  return {'answered'}
end
if tonumber(c[5]) <= tonumber(ARGV[6]) then
  return {'expired'}
end
local version = tonumber(c[8])
if ARGV[4] == '1' and c[6] and c[6] ~= '' then
  if ARGV[5] == '' then
    return {'code_required'}
  end
  if ARGV[5] ~= c[6] then
    local wrong = tonumber(c[7] or '0') + 1
    local chosen = false
    for choice in string.gmatch(c[9] or '', '%S+') do
      if choice == ARGV[5] then
        chosen = true
      end
    end
    if chosen or wrong >= tonumber(ARGV[7]) then
      redis.call('HSET', KEYS[1], 'wrongCodes', wrong, 'state', 'burned', 'version', version + 1,
        'endedAt', ARGV[6], 'evt:' .. (version + 1) .. ':challenge.expired', ARGV[6])
      keep_at_least(KEYS[1], ARGV[8])
      return {'burned', redis.call('HGETALL', KEYS[1])}
    end
    redis.call('HSET', KEYS[1], 'wrongCodes', wrong)
    return {'wrong_code', tostring(tonumber(ARGV[7]) - wrong)}
  end
end
local state = 'rejected'
if ARGV[4] == '1' then
  state = 'approved'
end
redis.call('HSET', KEYS[1], 'state', state, 'credentialId', ARGV[3], 'version', version + 1,
  'endedAt', ARGV[6], 'evt:' .. (version + 1) .. ':challenge.' .. state, ARGV[6])
keep_at_least(KEYS[1], ARGV[8])
return {'ok', redis.call('HGETALL', KEYS[1])}
