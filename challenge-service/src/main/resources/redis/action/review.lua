-- A review decision on an action. REVIEW_SUCCEEDED / REVIEW_FAILED only from REVIEW_REQUIRED;
-- REVIEW_REQUIRED from any state but a review result. The same state again changes nothing.
-- KEYS[1]: the action hash cs:{a:<tenant>:<idempotencyKey>}
-- ARGV: target state, now (epoch ms)
-- Reply: 'updated' | 'missing' | the state that refused the change
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return 'missing'
end
if state == ARGV[1] then
  return 'updated'
end
if ARGV[1] == 'REVIEW_REQUIRED' then
  if state == 'REVIEW_SUCCEEDED' or state == 'REVIEW_FAILED' then
    return state
  end
elseif state ~= 'REVIEW_REQUIRED' then
  return state
end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'stateUpdatedAt', ARGV[2])
return 'updated'
