-- Shared by the wrk scripts of the side-by-side harness (tools/bench/side-by-side.sh): DynamoDB JSON requests and a
-- per-response check. Every response is checked; failures are counted (never fatal to wrk, so the summary still
-- prints) and reported by done() as a "BENCH_ERRORS <count> <first failure>" line that the harness parses.
-- BENCH_CHECK_BODY=0 checks only the status (for the ceiling server, which answers the same body to everything).
-- BENCH_SEED seeds math.random: without it every wrk run draws the same keys in the same order (scale.sh gives
-- its warm-up and each round their own seed, so that a round does not re-read the keys the warm-up just read).
local M = {}
M.auth = "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
M.keys = tonumber(os.getenv("BENCH_KEYS") or "100000")
M.check_body = os.getenv("BENCH_CHECK_BODY") ~= "0"
M.payload = string.rep("x", 1000)
if os.getenv("BENCH_SEED") then math.randomseed(tonumber(os.getenv("BENCH_SEED"))) end

function M.request(operation, body)
  return wrk.format("POST", "/", {["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "DynamoDB_20120810." .. operation, ["X-Amz-Date"] = "20260101T000000Z",
    ["Authorization"] = M.auth}, body)
end

-- Returns true when the response is good; otherwise counts it and remembers the first failure.
function M.check(operation, status, body, needle)
  if status == 200 and (needle == nil or not M.check_body or string.find(body, needle, 1, true)) then
    return true
  end
  errors = (errors or 0) + 1
  if first_error == nil then
    first_error = operation .. " " .. status .. " " .. string.sub(string.gsub(body or "", "%s+", " "), 1, 200)
  end
  return false
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local total, first = 0, nil
  for _, thread in ipairs(threads) do
    total = total + (thread:get("errors") or 0)
    first = first or thread:get("first_error")
  end
  io.write(string.format("BENCH_ERRORS %d %s\n", total, first or "-"))
end

return M
