-- wrk script for `make bench`. Usage: wrk -s bench.lua URL -- MODE RUNID [FORM_TOKEN]
--   get:  plain GETs of URL;  sign: JSON signatures with a distinct email and Idempotency-Key per request, every
--   other one through a partner (as the widget sends them); sign-bare: the same without key and partner;
--   peer: the same signer as a form POST to the Wagtail form page (with a CSRF cookie and token).
-- FORM_TOKEN: the signed form token the petition's widget carries (issued by bench.tasks prepare), sent with each
-- signature as the widget sends it.
-- Prints one line "BENCHJSON {...}" with requests, duration, status counts and latency percentiles.

local threads = {}
local countries = {"FR", "DE", "BE", "ES", "IT", "GB", "US", "CA", "SN", "MA"}
local csrf = "benchcsrfbenchcsrfbenchcsrf12345"

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1] or "get"
  runid = args[2] or "run"
  token = args[3] or ""
  n = 0
  ok = 0
  other = 0
  statuses = ""
end

local function signer()
  n = n + 1
  local email = string.format("s%s-%d-%d@bench.example", runid, tid, n)
  local country = countries[(n % #countries) + 1]
  return email, country
end

function request()
  if mode == "sign" or mode == "sign-bare" then
    local email, country = signer()
    local partner = (mode == "sign" and n % 2 == 0) and ',"partner":"bench-partner"' or ""
    local form_token = token ~= "" and string.format(',"form_token":"%s"', token) or ""
    local body = string.format(
      '{"first_name":"Bench","last_name":"Signer","email":"%s","country":"%s","consent_updates":true%s%s}',
      email, country, partner, form_token)
    local headers = {["Content-Type"] = "application/json"}
    if mode == "sign" then headers["Idempotency-Key"] = string.format("k%s-%d-%d", runid, tid, n) end
    return wrk.format("POST", nil, headers, body)
  elseif mode == "peer" then
    local email, country = signer()
    local body = string.format(
      "csrfmiddlewaretoken=%s&first_name=Bench&last_name=Signer&email=%s&country=%s&postal_code=&consent_updates=on",
      csrf, email:gsub("@", "%%40"), country)
    return wrk.format("POST", nil, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. csrf,
    }, body)
  end
  return wrk.format("GET")
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    other = other + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local total_ok, total_other, seen = 0, 0, ""
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_other = total_other + t:get("other")
    seen = seen .. t:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"ok":%d,"non_2xx":%d,"socket_errors":%d,'
    .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"statuses_seen":"%s"}\n',
    summary.requests, summary.duration, total_ok, total_other,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, seen))
end
