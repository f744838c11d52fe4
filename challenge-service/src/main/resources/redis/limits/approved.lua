-- An approval: ends the user's run of rejections and gives back the approved challenge's place in
-- the user's budget, so approved pushes never lock the user out (a rejection keeps its place).
-- KEYS[1]: the user's back-off hash cs:{rl:<tenant>:u:<userId>}:backoff
-- KEYS[2]: the user's budget cs:{rl:<tenant>:u:<userId>}:push
-- ARGV: the budget member the initiation recorded (the challenge id)
-- Reply: 1 when the place was given back, 0 when it had already left the window.
redis.call('DEL', KEYS[1])
return redis.call('ZREM', KEYS[2], ARGV[1])
