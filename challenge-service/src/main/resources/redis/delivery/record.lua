-- Keeps a delivery result if it is newer than what the action holds for that challenge, channel
-- and device: a later attempt wins; within one attempt the provider's answer (rank 1) wins over
-- 'sent' (rank 0); a repeat changes nothing.
-- KEYS[1]: the action's delivery results cs:{a:<tenant>:<idempotencyKey>}:deliveries
-- KEYS[2]: the action hash cs:{a:<tenant>:<idempotencyKey>} (its TTL is the results' TTL)
-- ARGV: field, attempt, rank, value JSON, fallback TTL ms (when the action's TTL cannot be read)
-- Reply: 1 when kept, 0 when older.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local ok, entry = pcall(cjson.decode, current)
  if ok and type(entry) == 'table' then
    local attempts = tonumber(entry.attempts) or 0
    local rank = tonumber(entry.rank) or 0
    if attempts > tonumber(ARGV[2]) or (attempts == tonumber(ARGV[2]) and rank >= tonumber(ARGV[3])) then
      return 0
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
local ttl = redis.call('PTTL', KEYS[2])
if ttl and ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
else
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
return 1
