-- wrk script of bench/bench_load.py: one wrk process per request type, each connection a person.
--
-- Every connection waits a think time (uniform BENCH_THINK_MIN_MS..BENCH_THINK_MAX_MS) before each
-- request; wrk starts the latency clock when the request is written, so the pause is not in the
-- figures. Paths are drawn at random from BENCH_PATHS (one per line, written by bench_load.py, the
-- only definition of the mix). done() writes the count, the errors and 1,002 quantiles of the
-- latency (0.1 % steps, then p99.95, p99.99, max) to BENCH_OUT, so bench_load.py can merge the types
-- into the percentiles of all reads. Settings come from the environment because wrk runs done() in a
-- Lua state that never sees init()'s arguments.

local paths = {}
local headers = { Authorization = "Bearer " .. (os.getenv("BENCH_TOKEN") or ""), Accept = "application/json" }
local think_min = tonumber(os.getenv("BENCH_THINK_MIN_MS") or "500")
local think_max = tonumber(os.getenv("BENCH_THINK_MAX_MS") or "1500")

function init(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    paths[#paths + 1] = line
  end
  math.randomseed(tonumber(os.getenv("BENCH_SEED") or "1"))
end

function delay()
  return math.random(think_min, think_max)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  local e = summary.errors
  out:write(string.format("requests %d\nduration_us %d\n", summary.requests, summary.duration))
  out:write(string.format("errors connect=%d read=%d write=%d status=%d timeout=%d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  local quantiles = {}
  for i = 1, 999 do
    quantiles[#quantiles + 1] = latency:percentile(i / 10)
  end
  for _, p in ipairs({ 99.95, 99.99 }) do
    quantiles[#quantiles + 1] = latency:percentile(p)
  end
  quantiles[#quantiles + 1] = latency.max
  out:write("quantiles_us ", table.concat(quantiles, " "), "\n")
  out:close()
end
