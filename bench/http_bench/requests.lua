-- http_bench's wrk script: sends the request paths listed in the file named by $HOSO_WRK_PATHS
-- (one path a line, e.g. "/api/public/lookup?code=EB200000015VN&lookup_code=K7M2QX9P"), round
-- robin, each thread starting at its own place in the list. With HOSO_WRK_COUNT_STATUS=1 it also
-- counts the answers by HTTP status (which costs wrk some speed: every answer then goes through
-- Lua). At the end it prints one line that bench/http_bench.cpp reads:
--   hoso_wrk requests=N duration_us=N p50_us=N p90_us=N p99_us=N max_us=N non2xx=N connect=N
--            read=N write=N timeout=N s200=N s404=N s429=N other=N
-- (latencies in microseconds as wrk measured them; non2xx counts answers with a status >= 400;
-- the s* counts are 0 unless HOSO_WRK_COUNT_STATUS=1).
--
-- By hand, against `hoso serve`:
--   HOSO_WRK_PATHS=paths.txt wrk -t2 -c32 -d10s --latency -s bench/http_bench/requests.lua \
--     http://127.0.0.1:8080

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

local paths = {}
local cursor = 1

function init(args)
  local name = os.getenv("HOSO_WRK_PATHS")
  if name == nil or name == "" then
    error("set HOSO_WRK_PATHS to a file of request paths, one a line")
  end
  local file = io.open(name, "r")
  if file == nil then
    error("cannot read HOSO_WRK_PATHS file " .. name)
  end
  for line in file:lines() do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  file:close()
  if #paths == 0 then
    error(name .. " lists no request paths")
  end
  -- Threads start far apart in the list, so they do not ask for the same dossier at once.
  cursor = (thread_number * 7919) % #paths + 1

  s200, s404, s429, other = 0, 0, 0, 0
  if os.getenv("HOSO_WRK_COUNT_STATUS") == "1" then
    -- Defined only when asked for: wrk hands answers to Lua iff the script has response().
    response = function(status, headers, body)
      if status == 200 then
        s200 = s200 + 1
      elseif status == 404 then
        s404 = s404 + 1
      elseif status == 429 then
        s429 = s429 + 1
      else
        other = other + 1
      end
    end
  end
end

function request()
  local path = paths[cursor]
  cursor = cursor % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local counts = { s200 = 0, s404 = 0, s429 = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(counts) do
      counts[key] = counts[key] + (thread:get(key) or 0)
    end
  end
  local errors = summary.errors
  io.write(string.format(
    "hoso_wrk requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d "
      .. "connect=%d read=%d write=%d timeout=%d s200=%d s404=%d s429=%d other=%d\n",
    summary.requests, summary.duration, math.floor(latency:percentile(50)),
    math.floor(latency:percentile(90)), math.floor(latency:percentile(99)),
    math.floor(latency.max), errors.status, errors.connect, errors.read, errors.write,
    errors.timeout, counts.s200, counts.s404, counts.s429, counts.other))
end
