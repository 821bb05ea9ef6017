-- wrk script for bench/run.sh. The first argument after "--" picks the mode:
--
--   sign POOL_FILE HOSTS_FILE RUN_ID [PROOFS_FILE THREADS]
--       POST the signing form to the URL's path with a distinct address per request,
--       bench-RUN_ID-THREAD-N@example.org, and an antiforgery token + cookie pair from the pool.
--       With PROOFS_FILE, each request also carries its own solved proof of work (thread T of
--       THREADS takes lines T, T+THREADS...); a thread that has used up its proofs stops, unless
--       the next argument is "reuse" (the bare endpoint, which checks nothing, gets the same bodies).
--   confirm POOL_FILE PATHS_FILE THREADS
--       POST each confirmation link of PATHS_FILE once (thread T of THREADS takes lines T, T+THREADS...);
--       a thread that has used up its links stops.
--   get
--       GET the URL as given (campaign page, JSON).
--
-- Every response is tallied by status; done() prints "BENCH key=value" lines for run.sh.
-- POOL_FILE lines: "cookie-name=value<TAB>url-encoded form token" (countersign-bench pool).

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *spec);
]]
local timespec = ffi.new("bench_timespec")
local function now()
   ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC: comparable across wrk's threads
   return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

local function read_lines(path)
   local lines = {}
   local file = assert(io.open(path, "r"))
   for line in file:lines() do
      if line ~= "" then
         lines[#lines + 1] = line
      end
   end
   file:close()
   return lines
end

local function read_pool(path)
   local pool = {}
   for _, line in ipairs(read_lines(path)) do
      local cookie, token = line:match("^([^\t]+)\t(.+)$")
      pool[#pool + 1] = { cookie = cookie, token = token }
   end
   assert(#pool > 0, "empty token pool " .. path)
   return pool
end

-- Main state: one entry per wrk thread, read back in done().
local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
   thread:set("bench_thread", #threads)
end

-- Thread state.
local mode, pool, hosts, run, paths, proofs, reuse_proofs
local countries = { "FR", "DE", "GB", "US", "BR", "IN", "PS", "ZA", "ES", "CA" }
local headers = {}
local last_path
local used = 0

sent, responses, redirects, s2xx, s3xx, s4xx, s503, s5xx, other, extra = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
first_request, last_response, exhausted = 0, 0, 0

function init(args)
   mode = args[1] or "get"
   if mode == "sign" then
      pool = read_pool(args[2])
      hosts = read_lines(args[3])[1] or ""
      run = assert(args[4], "sign needs a run id")
      if args[5] then
         reuse_proofs = args[7] == "reuse"
         proofs = {}
         local count = tonumber(args[6])
         local i = 0
         for line in io.lines(args[5]) do
            i = i + 1
            if (i - bench_thread) % count == 0 and line ~= "" then
               proofs[#proofs + 1] = line
            end
         end
      end
      headers["Content-Type"] = "application/x-www-form-urlencoded"
   elseif mode == "confirm" then
      pool = read_pool(args[2])
      local all = read_lines(args[3])
      local count = tonumber(args[4])
      paths = {}
      for i = bench_thread, #all, count do
         paths[#paths + 1] = all[i]
      end
      headers["Content-Type"] = "application/x-www-form-urlencoded"
   end
end

-- Requests arrive through a reverse proxy on loopback that names the client in X-Forwarded-For, the
-- way Countersign is deployed. Each signer gets an address of their own, scattered over the address
-- space, so the per-address and per-network rate limits see what a viral moment brings: many
-- people, not one machine. Page views come from 10,000 visitors.
--
-- The address is a 32-bit id (phase, thread, request number) put through Knuth's multiplicative
-- hash, a one-to-one mix; the product is formed in two halves so LuaJIT's doubles stay exact.
local function scramble(id)
   local lo = id % 65536
   local hi = math.floor(id / 65536) % 65536
   return ((hi * 2654435761 % 4294967296) * 65536 + lo * 2654435761) % 4294967296
end

local function client_address(id)
   local x = scramble(id)
   return string.format("%d.%d.%d.%d", 1 + math.floor(x / 16777216) % 223, math.floor(x / 65536) % 256, math.floor(x / 256) % 256, 1 + x % 254)
end

-- The run id differs between the warm-up and the measured phase: so do their signers' addresses.
local function phase_number(text)
   local h = 0
   for i = 1, #text do
      h = (h * 31 + text:byte(i)) % 256
   end
   return h
end

local function signer_id(n)
   return (phase_number(run) * 16 + bench_thread % 16) * 1048576 + n % 1048576
end

-- A thread that has used up its links or proofs stops. wrk still sends the request returned here,
-- so the caller picks one that cannot count as a success.
local function stop_thread(path)
   if exhausted == 0 then
      exhausted = now()
   end
   extra = extra + 1
   wrk.thread:stop()
   return wrk.format("GET", path, {})
end

function request()
   if first_request == 0 then
      first_request = now()
   end

   if mode == "sign" then
      sent = sent + 1
      local n = sent
      local proof = ""
      if proofs then
         if used >= #proofs and reuse_proofs then
            used = 0
         end
         if used >= #proofs then
            -- Proofs used up (run.sh fetches more than the server has ever taken): a GET of a
            -- missing page, so its 404 shows as a failure.
            return stop_thread("/bench-ran-out-of-proofs-of-work")
         end
         used = used + 1
         proof = "&" .. proofs[used]
      end
      local pair = pool[(n + bench_thread) % #pool + 1]
      headers["Cookie"] = pair.cookie
      headers["X-Forwarded-For"] = client_address(signer_id(n))
      -- A common mail service, as most signers use: the per-domain limit exempts those.
      local body = "Input.Name=Bench+Signer+" .. n
         .. "&Input.Email=bench-" .. run .. "-" .. bench_thread .. "-" .. n .. "%40gmail.com"
         .. "&Input.Country=" .. countries[n % #countries + 1]
         .. "&Input.Postcode=75011"
         .. "&Input.ShowName=" .. (n % 2 == 0 and "yes" or "no")
         .. "&" .. hosts
         .. "&__RequestVerificationToken=" .. pair.token
         .. proof
      return wrk.format("POST", wrk.path, headers, body)
   elseif mode == "confirm" then
      sent = sent + 1
      if used >= #paths then
         -- Links used up: a GET of a link already used (200, never a redirect, so never a confirmation).
         return stop_thread(last_path or "/")
      end
      used = used + 1
      last_path = paths[used]
      local pair = pool[used % #pool + 1]
      headers["Cookie"] = pair.cookie
      headers["X-Forwarded-For"] = client_address((bench_thread % 16) * 1048576 + used % 1048576)
      return wrk.format("POST", last_path, headers, "__RequestVerificationToken=" .. pair.token)
   else
      sent = sent + 1
      return wrk.format("GET", wrk.path, { ["X-Forwarded-For"] = client_address(sent % 10000) })
   end
end

function response(status, headers, body)
   responses = responses + 1
   last_response = now()
   if status == 302 or status == 303 then
      redirects = redirects + 1
   end
   if status >= 200 and status < 300 then
      s2xx = s2xx + 1
   elseif status >= 300 and status < 400 then
      s3xx = s3xx + 1
   elseif status == 503 then
      s503 = s503 + 1
   elseif status >= 400 and status < 500 then
      s4xx = s4xx + 1
   elseif status >= 500 then
      s5xx = s5xx + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local total = {}
   local names = { "sent", "responses", "redirects", "s2xx", "s3xx", "s4xx", "s503", "s5xx", "other", "extra" }
   for _, name in ipairs(names) do
      total[name] = 0
   end
   local started, finished, any_exhausted = nil, 0, 0
   for _, thread in ipairs(threads) do
      for _, name in ipairs(names) do
         total[name] = total[name] + (thread:get(name) or 0)
      end
      local first = thread:get("first_request") or 0
      if first > 0 and (started == nil or first < started) then
         started = first
      end
      finished = math.max(finished, thread:get("last_response") or 0)
      if (thread:get("exhausted") or 0) > 0 then
         any_exhausted = 1
      end
   end

   local duration = summary.duration / 1e6
   -- A confirm run that used up its links stopped early; its rate counts only the time it ran.
   local active = duration
   if any_exhausted == 1 and started ~= nil and finished > started then
      active = finished - started
   end
   -- Successes: 2xx and 3xx. For confirmations, only redirects (to the thanks page) count.
   local ok = total.s2xx + total.s3xx

   local function line(key, value)
      io.write(string.format("BENCH %s=%s\n", key, tostring(value)))
   end
   line("requests", summary.requests)
   line("duration_s", string.format("%.3f", duration))
   line("active_s", string.format("%.3f", active))
   line("rate", string.format("%.1f", summary.requests / duration))
   line("ok", ok)
   line("okrate", string.format("%.1f", ok / active))
   line("confirmrate", string.format("%.1f", total.redirects / active))
   line("exhausted", any_exhausted)
   for _, name in ipairs(names) do
      line(name, total[name])
   end
   line("err_connect", summary.errors.connect)
   line("err_read", summary.errors.read)
   line("err_write", summary.errors.write)
   line("err_timeout", summary.errors.timeout)
   line("err_status", summary.errors.status)
   line("p50_ms", string.format("%.3f", latency:percentile(50) / 1000))
   line("p90_ms", string.format("%.3f", latency:percentile(90) / 1000))
   line("p99_ms", string.format("%.3f", latency:percentile(99) / 1000))
   line("max_ms", string.format("%.3f", latency.max / 1000))
end
