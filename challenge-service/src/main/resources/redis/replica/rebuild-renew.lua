-- Extends the lease of the replica rebuild that holds it.
-- KEYS[1]: the rebuild lease cs:{replica}:rebuild
-- ARGV: the rebuild's token, the lease in ms
-- A lease that is gone (Redis flushed or restarted meanwhile) or held by another rebuild is not
-- taken back: what this rebuild wrote so far may have been lost, so it stops and a new one starts.
-- Reply: 1 when extended, 0 when the lease is no longer this rebuild's.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
