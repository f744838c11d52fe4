-- Ends a pending challenge that a newer one of the same user displaced from the pending index.
-- needs: prelude/keep-at-least
-- KEYS[1]: the challenge hash cs:{ch:<challengeId>}
-- ARGV: the superseding challengeId, now (epoch ms), outbox retention ms
-- A pending challenge becomes superseded (final, answers refused like an expiry) and records
-- challenge.superseded at version+1, even past its deadline: the sweeper has not expired it yet, and
-- one end is enough.
-- Reply: {'superseded', fields} | {'ended', fields} (answered, expired, burned or superseded before;
--        its leftover events are in the fields) | {'missing'}
local c = redis.call('HMGET', KEYS[1], 'state', 'version')
if not c[1] then
  return {'missing'}
end
if c[1] ~= 'pending' then
  return {'ended', redis.call('HGETALL', KEYS[1])}
end
local version = tonumber(c[2]) + 1
redis.call('HSET', KEYS[1], 'state', 'superseded', 'supersededBy', ARGV[1], 'version', version,
  'endedAt', ARGV[2], 'evt:' .. version .. ':challenge.superseded', ARGV[2])
keep_at_least(KEYS[1], ARGV[3])
return {'superseded', redis.call('HGETALL', KEYS[1])}
