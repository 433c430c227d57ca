#!/usr/bin/env bash
# A quick throughput check of Basalt alone with wrk (Debian package; the full comparison is side-by-side.sh): PutItem then
# GetItem of ~1 KB items, 32 connections, server pinned to core 0 and wrk to core 1. Usage:
#   tools/bench/quick.sh [--in-memory] [seconds]
# Checks HTTP 200 only (BENCH_CHECK_BODY=0): GetItem reads random keys, some of which the PutItem run did not write.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# One benchmark at a time on this machine: they pin the same cores and use the same ports.
exec 9>"${BENCH_LOCK:-/tmp/basalt-bench.lock}"; flock 9
mode_flag=""; mode="durable (RocksDB, fsync per group commit)"
if [ "${1:-}" = "--in-memory" ]; then mode_flag="--in-memory"; mode="in-memory"; shift; fi
seconds="${1:-10}"
port=8777
data="$(mktemp -d)"
"$root/basalt" --version >/dev/null   # builds the jar and its class-data archive if needed
taskset -c 0 "$root/basalt" serve --port $port --data-dir "$data" $mode_flag >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
curl -sf -X POST "http://127.0.0.1:$port/" -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: DynamoDB_20120810.CreateTable' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{"TableName":"Bench","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' >/dev/null
echo "Basalt $mode, $seconds s per workload, 32 connections"
for workload in putitem getitem; do
    BENCH_CHECK_BODY=0 taskset -c 1 wrk -t1 -c32 -d3s -s "$root/tools/bench/$workload.lua" "http://127.0.0.1:$port/" >/dev/null  # warm-up
    echo "-- $workload"
    BENCH_CHECK_BODY=0 taskset -c 1 wrk -t1 -c32 -d"${seconds}s" --latency -s "$root/tools/bench/$workload.lua" "http://127.0.0.1:$port/" \
        | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|errors|BENCH_ERRORS"
done
