-- PutItem of ~1 KB items over 100,000 keys, for wrk.
local auth = "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
local payload = string.rep("x", 1000)
request = function()
  local body = '{"TableName":"Bench","Item":{"pk":{"S":"key' .. math.random(1, 100000) .. '"},"n":{"N":"1"},"payload":{"S":"' .. payload .. '"}}}'
  return wrk.format("POST", "/", {["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "DynamoDB_20120810.PutItem", ["Authorization"] = auth}, body)
end
response = function(status, headers, body)
  if status ~= 200 then error("PutItem failed: " .. status .. " " .. body) end
end
