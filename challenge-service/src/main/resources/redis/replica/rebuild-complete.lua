-- Marks the key replica complete once a rebuild has read credential-events to its end.
-- KEYS[1]: the epoch marker cs:{replica}:epoch, KEYS[2]: the rebuild lease cs:{replica}:rebuild
-- ARGV: the rebuild's token, the epoch (what the marker holds)
-- Only the rebuild that still holds the lease writes the marker: if Redis lost its data during the
-- rebuild, the lease went with it, and the marker must not claim a replica that is incomplete.
-- The marker has no TTL: its absence is what says the replica was lost.
-- Reply: 1 when marked, 0 when the lease was lost.
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
