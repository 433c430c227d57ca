-- GetItem of random keys among 100,000 (most were written by the PutItem run), for wrk.
local auth = "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
request = function()
  local body = '{"TableName":"Bench","Key":{"pk":{"S":"key' .. math.random(1, 100000) .. '"}}}'
  return wrk.format("POST", "/", {["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "DynamoDB_20120810.GetItem", ["Authorization"] = auth}, body)
end
response = function(status, headers, body)
  if status ~= 200 then error("GetItem failed: " .. status .. " " .. body) end
end
