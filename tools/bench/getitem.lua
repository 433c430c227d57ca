-- GetItem of random keys among BENCH_KEYS (default 100,000), all preloaded (preload.lua), for wrk. Every response
-- must be 200 and hold the item.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local b = require("common")
request = function()
  return b.request("GetItem", '{"TableName":"Bench","Key":{"pk":{"S":"key' .. math.random(1, b.keys) .. '"}}}')
end
response = function(status, headers, body)
  b.check("GetItem", status, body, '"Item"')
end
