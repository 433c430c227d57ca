#!/usr/bin/env bash
# Profiles Basalt under one wrk workload of the side-by-side harness with async-profiler (fetched from Maven Central,
# tools.profiler:async-profiler:4.1, into tools/bench/.cache). Usage:
#   tools/bench/profile.sh [--durable] [--gsi] [--event cpu|alloc|wall|lock] [--seconds S] WORKLOAD
# WORKLOAD is putitem, getitem, updateitem or query. The server runs pinned to core 0 and wrk (1 thread, 32
# connections) to core 1, as in side-by-side.sh; the data is preloaded first, then a 15 s warm-up, then the profiled
# run. Basalt starts through ./basalt, as users run it (BASALT_JAVA_OPTS and BASALT_JAR apply). --interval:
# async-profiler's sampling interval (default: 10 ms of CPU; bytes for --event alloc). Prints wrk's figures and the
# server's CPU time per request, writes tools/bench/results/profile-WORKLOAD-EVENT.{collapsed,html} and prints the
# 40 hottest frames (self).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# One benchmark at a time on this machine: they pin the same cores and use the same ports.
exec 9>"${BENCH_LOCK:-/tmp/basalt-bench.lock}"; flock 9
bench="$root/tools/bench"
cache="$bench/.cache"
mode="--in-memory"; event="cpu"; seconds=10; interval=""
while [ $# -gt 1 ]; do
    case "$1" in
        --durable) mode="" ;;
        --gsi) gsi=1 ;;
        --event) event="$2"; shift ;;
        --seconds) seconds="$2"; shift ;;
        --interval) interval="$2"; shift ;;
        *) echo "profile: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
workload="${1:?usage: profile.sh [--durable] [--event E] [--seconds S] WORKLOAD}"
port=8791
agent="$cache/async-profiler/linux-x64/libasyncProfiler.so"
if [ ! -f "$agent" ]; then
    mkdir -p "$cache/async-profiler"
    (cd "$root" && ./mvnw -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 \
        -DoutputDirectory="$cache/async-profiler") >&2
    (cd "$cache/async-profiler" && unzip -o -q async-profiler-4.1.jar 'linux-x64/*')
fi
"$root/basalt" --version >/dev/null   # builds the jar (and its class-data archive) if needed
out="$bench/results/profile-$workload-$event"
mkdir -p "$bench/results"
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null; cp "$work/server.log" "$bench/results/profile-server.log" 2>/dev/null; rm -rf "$work"' EXIT
taskset -c 0 "$root/basalt" serve $mode --port $port \
    --data-dir "$work/data" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
call() {
    curl -sf -X POST "http://127.0.0.1:$port/" -H 'Content-Type: application/x-amz-json-1.0' \
        -H "X-Amz-Target: DynamoDB_20120810.$1" \
        -H 'Authorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
        -d "$2" >/dev/null
}
if [ -n "${gsi:-}" ]; then
    # --gsi: the Bench table has a global secondary index on n (KEYS_ONLY), to measure what maintaining one costs.
    call CreateTable '{"TableName":"Bench","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"n","AttributeType":"N"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"GlobalSecondaryIndexes":[{"IndexName":"ByN","KeySchema":[{"AttributeName":"n","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],"BillingMode":"PAY_PER_REQUEST"}'
else
    call CreateTable '{"TableName":"Bench","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}'
fi
call CreateTable '{"TableName":"BenchQ","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"}'
wrk_run() {  # wrk_run SCRIPT SECONDS CONNECTIONS [env...]
    local script="$1" secs="$2" conns="$3"; shift 3
    env "$@" taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s --latency -s "$bench/$script" \
        "http://127.0.0.1:$port/"
}
preload="bench"; [ "$workload" = query ] && preload="query"
wrk_run preload.lua 600 8 BENCH_PRELOAD=$preload BENCH_DONE_FILE="$work/preloaded" >/dev/null &
loader=$!
while kill -0 $loader 2>/dev/null && [ ! -f "$work/preloaded" ]; do sleep 0.1; done
pkill -INT -P $loader 2>/dev/null || true
wait $loader 2>/dev/null || true
wrk_run "$workload.lua" 15 32 >/dev/null   # warm-up: long enough for C2 to settle
jcmd="$(dirname "$(readlink -f "$(command -v java)")")/jcmd"   # jcmd splits options at commas unless quoted
"$jcmd" $server JVMTI.agent_load "$agent" "\"start,event=$event${interval:+,interval=$interval}${BENCH_PROFILE_OPTS:+,$BENCH_PROFILE_OPTS}\"" >/dev/null
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }   # user + system time of the server, in ticks
before=$(cpu_ticks)
wrk_run "$workload.lua" "$seconds" 32 >"$work/wrk.out"
after=$(cpu_ticks)
grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|BENCH_ERRORS" "$work/wrk.out"
# CPU per request holds still when other processes share the machine, where ops/s does not.
awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '/requests in/ {
    printf "Server CPU per request: %.1f us (%d requests)\n", 1e6 * ticks / hz / $1, $1 }' "$work/wrk.out"
"$jcmd" $server JVMTI.agent_load "$agent" "\"dump,file=$out.html\"" >/dev/null
"$jcmd" $server JVMTI.agent_load "$agent" "\"stop,file=$out.collapsed,collapsed\"" >/dev/null
echo "profile: $out.collapsed"
# Self time per frame: the last frame of each collapsed stack.
awk '{ n = $NF; $NF = ""; sub(/ $/, ""); k = split($0, f, ";"); self[f[k]] += n; total += n }
     END { for (s in self) printf "%6.2f%% %s\n", 100 * self[s] / total, s }' "$out.collapsed" | sort -rn | head -40
