-- Query of the 20 items of one random partition among 1,000 (table BenchQ, preloaded by preload.lua), for wrk.
-- Every response must be 200 with Count 20.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local b = require("common")
request = function()
  return b.request("Query", '{"TableName":"BenchQ","KeyConditionExpression":"pk = :p",' ..
    '"ExpressionAttributeValues":{":p":{"S":"part' .. math.random(1, 1000) .. '"}}}')
end
response = function(status, headers, body)
  b.check("Query", status, body, '"Count":20')
end
