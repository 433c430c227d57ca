-- UpdateItem SET n = n + :one on random preloaded keys among BENCH_KEYS (default 100,000), for wrk. Every response
-- must be 200.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local b = require("common")
request = function()
  return b.request("UpdateItem", '{"TableName":"Bench","Key":{"pk":{"S":"key' .. math.random(1, b.keys) ..
    '"}},"UpdateExpression":"SET n = n + :one","ExpressionAttributeValues":{":one":{"N":"1"}}}')
end
response = function(status, headers, body)
  b.check("UpdateItem", status, body)
end
