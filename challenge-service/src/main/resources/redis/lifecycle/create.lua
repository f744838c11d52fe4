-- Stores a new challenge with its first events pending (fields evt:<version>:<type> = epoch ms).
-- KEYS[1]: the challenge hash cs:{ch:<challengeId>}
-- ARGV: TTL ms, then field/value pairs (the pending events among them)
-- Reply: 1
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
