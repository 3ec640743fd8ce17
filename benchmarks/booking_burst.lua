-- wrk script for benchmarks/booking_burst.py: each thread sends its share of a pre-generated request list
-- ("token slot_id key" per line, thread t takes lines t, t+T, t+2T, ...), each request once, and writes one line per
-- answer ("status id-or-reason") to <out>.<thread>, then "end <first send> <last answer>" (CLOCK_MONOTONIC seconds)
-- and stops. Connections left without a request stall (an empty request writes nothing), so nothing is sent twice.
-- Arguments after `--`: the request list, the output prefix, the number of threads.
local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]])
local ts = ffi.new("bench_timespec")
local function monotonic()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end

function init(args)
  local path, out, threads = args[1], args[2], tonumber(args[3])
  reqs = {}
  local n = 0
  for line in io.lines(path) do
    if n % threads == tid then
      local token, slot, key = line:match("^(%S+) (%S+) (%S+)$")
      reqs[#reqs + 1] = wrk.format("POST", "/api/slots/" .. slot .. "/bookings",
        { ["Authorization"] = "Bearer " .. token, ["Idempotency-Key"] = key })
    end
    n = n + 1
  end
  sent, answered, first = 0, 0, nil
  -- wrk calls request() once on thread 0 to check the script's requests before the run: not a send.
  checking = (tid == 0)
  file = io.open(out .. "." .. tid, "w")
end

function request()
  if checking then
    checking = false
    return reqs[1]
  end
  if sent >= #reqs then
    return ""
  end
  sent = sent + 1
  if first == nil then
    first = monotonic()
  end
  return reqs[sent]
end

function response(status, headers, body)
  answered = answered + 1
  local what
  if status == 201 then
    what = body:match('"id":"([^"]+)"')
  else
    what = body:match('"reason":"([^"]+)"')
  end
  file:write(status, " ", what or "-", "\n")
  if answered == #reqs then
    file:write("end ", string.format("%.6f %.6f", first, monotonic()), "\n")
    file:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("latency_us %d %d %d\n", latency:percentile(50), latency:percentile(99), latency.max))
  io.write(string.format("errors %d %d %d %d\n", e.connect, e.read, e.write, e.timeout))
end
