-- Applies one credential change to the replica's entry for a public key.
-- KEYS[1]: the key entry cs:{k:<tenant>:<kind>:<fingerprint>}
-- ARGV: credentialId, version, removed (0|1), userId, kind, publicKey, tenantId, occurredAt (epoch
--       ms, '' for a read-through answer), tombstone TTL ms, expiresAt (epoch ms, '' = never)
-- For the same credential the greater version wins. When another credential holds the key (removed
-- and enrolled again under a new id), their versions are unrelated, so the later event wins, and a
-- read-through answer never displaces what an event wrote. A removal leaves a tombstone with the TTL.
-- Reply: 1 when written, 0 when ignored.
local current = redis.call('HMGET', KEYS[1], 'credentialId', 'version', 'occurredAt')
local occurred = ARGV[8]
if current[1] then
  if current[1] == ARGV[1] then
    if tonumber(current[2]) >= tonumber(ARGV[2]) then
      return 0
    end
    if occurred == '' and current[3] then
      occurred = current[3]
    end
  else
    if occurred == '' then
      return 0
    end
    if current[3] and current[3] ~= '' and tonumber(current[3]) >= tonumber(occurred) then
      return 0
    end
  end
end
redis.call('HSET', KEYS[1], 'credentialId', ARGV[1], 'version', ARGV[2], 'removed', ARGV[3],
  'userId', ARGV[4], 'kind', ARGV[5], 'publicKey', ARGV[6], 'tenantId', ARGV[7], 'occurredAt', occurred,
  'expiresAt', ARGV[10])
if ARGV[3] == '1' then
  redis.call('PEXPIRE', KEYS[1], ARGV[9])
else
  redis.call('PERSIST', KEYS[1])
end
return 1
