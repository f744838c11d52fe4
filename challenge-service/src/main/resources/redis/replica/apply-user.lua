-- Applies one credential change to the user's credential index, versioned per credential.
-- KEYS[1]: the user's index cs:{u:<tenant>:<userId>}:credentials
-- ARGV: credentialId, version, removed (0|1), kind, expiresAt (epoch ms, '' = never)
-- The entry is <version>:<removed>:<kind>:<expiresAt>.
-- Reply: 1 when written, 0 when older.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local version = tonumber(string.match(current, '^(%d+):'))
  if version and version >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3] .. ':' .. ARGV[4] .. ':' .. ARGV[5])
return 1
