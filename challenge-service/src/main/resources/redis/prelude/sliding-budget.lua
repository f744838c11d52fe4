-- Prelude: prepended by RedisScript to every script whose header says "-- needs: prelude/sliding-budget".
-- Defines budget(key, now, window, limit, member), a sliding log: drops entries older than the window,
-- then admits and records member ({1, 0}), or says when a slot frees up ({0, wait ms}).
local function budget(key, now, window, limit, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    -- The request fits once the (count - limit + 1) oldest entries have left the window.
    local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    return {0, tonumber(freeing[2]) + window - now}
  end
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return {1, 0}
end
