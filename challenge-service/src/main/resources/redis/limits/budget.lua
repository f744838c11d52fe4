-- Admits into one sliding-window budget (a client address' push or QR budget) and records member.
-- needs: prelude/sliding-budget
-- KEYS[1]: the budget cs:{rl:<tenant>:<subject>}:<window>
-- ARGV: now (epoch ms), window ms, limit, member
-- Reply: {1, 0} when admitted; {0, wait ms} when the budget is spent.
return budget(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
