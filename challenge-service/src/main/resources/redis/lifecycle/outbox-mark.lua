-- Lists a challenge in the unpublished index, with the trace context of the request behind it.
-- KEYS[1]: the unpublished index cs:{outbox}:challenges; KEYS[2]: its trace contexts cs:{outbox}:traces
-- ARGV: challengeId, score (when the repair should look, with a unique fraction of a millisecond),
--       the request's W3C traceparent ('' when not traced: an older one is dropped, not reused)
-- Reply: the score as Redis keeps it, the token for outbox-forget.
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
else
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return redis.call('ZSCORE', KEYS[1], ARGV[1])
