-- PutItem of ~1 KB items over BENCH_KEYS (default 100,000) keys, for wrk. Every response must be 200.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local b = require("common")
request = function()
  return b.request("PutItem", '{"TableName":"Bench","Item":{"pk":{"S":"key' .. math.random(1, b.keys) ..
    '"},"n":{"N":"1"},"payload":{"S":"' .. b.payload .. '"}}}')
end
response = function(status, headers, body)
  b.check("PutItem", status, body)
end
