-- Preloads with BatchWriteItem (25 items per request), for wrk; stops by itself once every batch has been
-- acknowledged (run it with a generous -d as an upper bound). BENCH_PRELOAD=bench writes table Bench: keys
-- key1..keyN (N = BENCH_KEYS, default 100,000), ~1 KB each, n = 0. BENCH_PRELOAD=query writes table BenchQ:
-- 1,000 partitions part1..part1000 x 20 sort keys 1..20, ~100 B each. A batch that fails or leaves
-- UnprocessedItems is counted as an error (BENCH_ERRORS line), not sent again. BENCH_PAYLOAD=random (table Bench
-- only; used by scale.sh) gives each item its own 1,000 letters and digits, a window of a fixed pseudo-random pool,
-- so that the table takes its real size on disk: the default payload ("xxx...") compresses to almost nothing.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local b = require("common")
local mode = os.getenv("BENCH_PRELOAD") or "bench"
local total_items = mode == "query" and 20000 or b.keys
local batches = math.ceil(total_items / 25)
local small = string.rep("y", 100)
local payload = function(i) return b.payload end
if os.getenv("BENCH_PAYLOAD") == "random" then
  local alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
  local chars, size = {}, 1048576
  math.randomseed(5)
  for j = 1, size do local c = math.random(1, #alphabet); chars[j] = alphabet:sub(c, c) end
  local pool = table.concat(chars)
  -- windows 7,919 characters apart (modulo the pool): no two items of a 4 KB block are likely to share bytes
  payload = function(i) local at = (i * 7919) % (size - 1000) + 1; return pool:sub(at, at + 999) end
end
local next_batch = 0   -- request 0 is a ListTables: wrk 4.1 builds one request per thread that it never sends
answered = 0

local function item(i)
  if mode == "query" then
    local part, sk = math.floor((i - 1) / 20) + 1, (i - 1) % 20 + 1
    return '{"PutRequest":{"Item":{"pk":{"S":"part' .. part .. '"},"sk":{"N":"' .. sk ..
      '"},"payload":{"S":"' .. small .. '"}}}}'
  end
  return '{"PutRequest":{"Item":{"pk":{"S":"key' .. i .. '"},"n":{"N":"0"},"payload":{"S":"' .. payload(i) .. '"}}}}'
end

local function body(batch)
  local parts = {}
  for i = (batch - 1) * 25 + 1, math.min(batch * 25, total_items) do parts[#parts + 1] = item(i) end
  return '{"RequestItems":{"' .. (mode == "query" and "BenchQ" or "Bench") .. '":[' .. table.concat(parts, ",") .. ']}}'
end

-- Once every batch has been sent, the connections send cheap ListTables requests until the last batch answers
-- (a batch's answer is told from a ListTables answer by its body); then the thread stops. wrk 4.1 sometimes never
-- reports one answer, so the thread also stops 3 s after the last batch answer once all were sent: a batch that
-- did not land shows up as failed GetItem/Query checks in the workloads that follow. A stopped wrk thread idles
-- until -d ends, so the script also creates the file BENCH_DONE_FILE, upon which the harness interrupts wrk.
local last_answer = os.time()
local function finish()
  local done_file = os.getenv("BENCH_DONE_FILE")
  if done_file then local f = io.open(done_file, "w"); if f then f:close() end end
  wrk.thread:stop()
end
request = function()
  if next_batch > batches or next_batch == 0 then next_batch = math.max(next_batch, 1); return b.request("ListTables", "{}") end
  local batch = next_batch
  next_batch = next_batch + 1
  return b.request("BatchWriteItem", body(batch))
end
response = function(status, headers, resp)
  if status == 200 and string.find(resp, '"TableNames"', 1, true) then
    if next_batch > batches and os.time() - last_answer >= 3 then finish() end
    return
  end
  answered = answered + 1
  last_answer = os.time()
  b.check("BatchWriteItem", status, resp, '"UnprocessedItems":{}')
  if answered >= batches then finish() end
end
