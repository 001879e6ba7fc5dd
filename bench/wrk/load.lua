-- wrk script for `npm run bench`: one request shape per scenario, with fresh ids per request
-- so inserts are real (new event ids; a share of new visitors, who get a new lead).
-- Arguments (after `--`): kind, ids file ("-" for none), random seed, returning share
-- (0..1: how many requests come from a known visitor / email in the ids file), api key.
-- Kinds: personalize (POST /v1/personalize), personalize-de (the same with a German
-- Accept-Language, so the language-de layer applies), events (POST /v1/events, 10 events),
-- personalize-get (GET /v1/personalize), email-content (GET /v1/email/content).

local kind, ids, returning, apiKey

-- A current desktop Chrome: the worker records nothing for bots (isbot), so the load must
-- look like a browser for the page views and events to be written.
local UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
local PAGES = { "/", "/pricing", "/docs/getting-started", "/blog/launch-week", "/features", "/demo", "/contact", "/pricing" }
local TYPES = { "page_view", "page_view", "page_view", "page_view", "page_view", "page_view", "cta_click", "cta_click", "form_submit", "page_view" }

local function hex(n, digits)
  return string.format("%0" .. digits .. "x", math.random(0, 16 ^ digits - 1))
end

-- UUID v4 (version nibble 4, variant 10xx), built from 16-bit pieces to stay in integer range.
local function uuid4()
  return hex(4, 4) .. hex(4, 4) .. "-" .. hex(4, 4) .. "-4" .. hex(3, 3) .. "-" ..
    string.format("%04x", math.random(0x8000, 0xbfff)) .. "-" .. hex(4, 4) .. hex(4, 4) .. hex(4, 4)
end

local function pick(list)
  return list[math.random(1, #list)]
end

local function visitor()
  if #ids > 0 and math.random() < returning then return pick(ids) end
  return uuid4()
end

function init(args)
  kind = args[1]
  math.randomseed(tonumber(args[3]))
  returning = tonumber(args[4] or "0")
  apiKey = args[5] or ""
  ids = {}
  if args[2] ~= "-" then
    for line in io.lines(args[2]) do ids[#ids + 1] = line end
  end
end

local function headers(extra)
  local h = {
    ["User-Agent"] = UA,
    ["Accept-Language"] = "en-US,en;q=0.9",
    ["Origin"] = "http://127.0.0.1:8787",
  }
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

local JSON = { ["Content-Type"] = "application/json" }

local GERMAN = { ["Content-Type"] = "application/json", ["Accept-Language"] = "de-DE,de;q=0.9" }

function request()
  if kind == "personalize" or kind == "personalize-de" then
    local body = string.format('{"visitorId":"%s","page":{"url":"%s","referrer":"https://www.google.com/"},"eventId":"%s"}',
      visitor(), pick(PAGES), uuid4())
    return wrk.format("POST", "/v1/personalize", headers(kind == "personalize-de" and GERMAN or JSON), body)
  elseif kind == "events" then
    local events = {}
    for i = 1, 10 do
      events[i] = string.format('{"id":"%s","type":"%s","url":"%s"}', uuid4(), pick(TYPES), pick(PAGES))
    end
    local body = string.format('{"visitorId":"%s","events":[%s]}', visitor(), table.concat(events, ","))
    return wrk.format("POST", "/v1/events", headers(JSON), body)
  elseif kind == "personalize-get" then
    return wrk.format("GET", "/v1/personalize?visitorId=" .. visitor() .. "&url=%2Fpricing", headers())
  elseif kind == "email-content" then
    local email = pick(ids):gsub("@", "%%40")
    return wrk.format("GET", "/v1/email/content?email=" .. email .. "&slots=hero,primary-cta,offer",
      headers({ ["Authorization"] = "Bearer " .. apiKey }))
  end
  error("unknown kind " .. tostring(kind))
end

-- One machine-readable line for bench/run.mjs (latencies in microseconds).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
