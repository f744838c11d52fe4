-- Creates a tracked action's hash unless it exists (two concurrent tracks with one idempotency key
-- create one action).
-- KEYS[1]: the action hash cs:{a:<tenant>:<idempotencyKey>}
-- ARGV: TTL ms, then field/value pairs
-- Reply: {created 1|0, the hash's fields}
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('HGETALL', KEYS[1])}
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {1, redis.call('HGETALL', KEYS[1])}
