-- Records where a push credential's device is reached, as of a version.
-- KEYS[1]: the user's push delivery data cs:{u:<tenant>:<userId>}:push-targets
-- ARGV: credentialId, version, pushToken ('' for none: removed, cleared, never had one), platform
-- The entry is JSON {version, platform?, pushToken?}; the greater or equal version wins (equal: the
-- same change again). A credential without a token keeps a version-only entry, so an older event
-- replayed later cannot bring a dead token back.
-- Reply: 1 when written, 0 when older.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local ok, entry = pcall(cjson.decode, current)
  if ok and type(entry) == 'table' and tonumber(entry.version) and tonumber(entry.version) > tonumber(ARGV[2]) then
    return 0
  end
end
local entry = {version = tonumber(ARGV[2])}
if ARGV[3] ~= '' then
  entry.pushToken = ARGV[3]
  entry.platform = ARGV[4]
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
return 1
