-- Lists a new action in its user's index (idempotency keys by creation time) and prunes entries
-- older than the action TTL; the index lives as long as its newest action.
-- KEYS[1]: the user's index cs:{ua:<tenant>:<userId>}:actions
-- ARGV: createdAt (epoch ms), idempotencyKey, oldest createdAt kept (epoch ms), TTL ms
-- Reply: 1
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
