-- wrk script: each request carries the cookie of a random returning visitor
-- among the first BENCH_VISITORS (environment) visitors seeded by
-- seed_bench_db (visitor hi = i, lo = 0x5EEDBE7C5EEDBE7C).
local visitors = tonumber(os.getenv("BENCH_VISITORS") or "1000000")
local lo = "5eedbe7c5eedbe7c"
math.randomseed(os.time())

request = function()
  local i = math.random(0, visitors - 1)
  local hi = string.format("%08x%08x", math.floor(i / 4294967296), i % 4294967296)
  wrk.headers["Cookie"] = "sqv=" .. hi .. lo
  return wrk.format(nil)
end
