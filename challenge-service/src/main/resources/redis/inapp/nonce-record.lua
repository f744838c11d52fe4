-- Records an issued attestation nonce for its action, so credential-service can find the nonce an
-- App Attest statement was made for when the device does not send it (the iOS SDK sends only the
-- statement, which holds the nonce hashed).
-- KEYS[1]: cs:{a:<tenant>:<idempotencyKey>}:attestation-nonces (sorted set nonce -> expiry, epoch ms)
-- ARGV: nonce, expiresAt (epoch ms), now (epoch ms), how many to keep
-- Expired nonces are dropped; of the rest only the ARGV[4] expiring last stay, so a client asking in a
-- loop cannot grow the set. The key lives as long as its latest nonce.
-- Reply: the number of nonces kept
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[4]) + 1))
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
-- Relative to the service's clock, which also decides expiry, not Redis's.
redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(latest[2]) - tonumber(ARGV[3])))
return redis.call('ZCARD', KEYS[1])
