-- Binds an in-app action made without an action code to the first action code a validate names.
-- KEYS[1]: the action hash cs:{a:<tenant>:<idempotencyKey>}
-- ARGV: the action code
-- Reply: the action code the action has after the call; false (nil) when there is no action.
local code = redis.call('HGET', KEYS[1], 'actionCode')
if not code then
  return false
end
if code == '' then
  redis.call('HSET', KEYS[1], 'actionCode', ARGV[1])
  return ARGV[1]
end
return code
