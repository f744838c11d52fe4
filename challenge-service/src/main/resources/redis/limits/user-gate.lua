-- A user's initiation: the back-off after rejections first, then the user's budget (one script, so
-- concurrent initiations never exceed the budget; both keys share the user's hash tag).
-- needs: prelude/sliding-budget
-- KEYS[1]: the user's back-off hash cs:{rl:<tenant>:u:<userId>}:backoff
-- KEYS[2]: the user's budget cs:{rl:<tenant>:u:<userId>}:push
-- ARGV: now (epoch ms), window ms, limit, member
-- Reply: {1, 0, 'admitted'} | {0, wait ms, 'backoff'} | {0, wait ms, 'budget'}
local now = tonumber(ARGV[1])
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if untilMs > now then
  return {0, untilMs - now, 'backoff'}
end
local result = budget(KEYS[2], now, tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
if result[1] == 0 then
  return {0, result[2], 'budget'}
end
return {1, 0, 'admitted'}
