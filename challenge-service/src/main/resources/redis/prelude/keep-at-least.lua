-- Prelude: prepended by RedisScript to every script whose header says "-- needs: prelude/keep-at-least"
-- (Redis has no include). Defines keep_at_least(key, ms): a challenge hash whose transition just
-- recorded events lives at least the outbox retention, so they outlive a Kafka outage; a longer TTL
-- it already has is kept.
local function keep_at_least(key, ms)
  if redis.call('PTTL', key) < tonumber(ms) then
    redis.call('PEXPIRE', key, ms)
  end
end
