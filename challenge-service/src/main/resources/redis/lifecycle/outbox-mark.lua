-- Lists a challenge in the unpublished index.
-- KEYS[1]: the unpublished index cs:{outbox}:challenges
-- ARGV: challengeId, score (when the repair should look, with a unique fraction of a millisecond)
-- Reply: the score as Redis keeps it, the token for outbox-forget.
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return redis.call('ZSCORE', KEYS[1], ARGV[1])
