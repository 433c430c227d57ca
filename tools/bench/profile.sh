#!/usr/bin/env bash
# Profiles Basalt under one wrk workload of the side-by-side harness with async-profiler (fetched from Maven Central,
# tools.profiler:async-profiler:4.1, into tools/bench/.cache). Usage:
#   tools/bench/profile.sh [--durable | --cluster] [--gsi] [--event cpu|alloc|wall|lock] [--seconds S]
#                          [--warmup S] [--unpinned] WORKLOAD
# WORKLOAD is putitem, getitem, updateitem or query. The server runs pinned to core 0 and wrk (1 thread, 32
# connections) to core 1, as in side-by-side.sh; the data is preloaded first, then a warm-up (default 15 s; 120 s
# with --cluster: three JVMs compile on one core), then the profiled run. --cluster profiles `basalt cluster --nodes
# 3` (durable, as side-by-side.sh's basalt-cluster target; wrk on node 1) on every node at once, with thread names in
# the stacks. --unpinned lets the server use both cores. Basalt starts through ./basalt, as users run it
# (BASALT_JAVA_OPTS and BASALT_JAR apply). --interval: async-profiler's sampling interval (default: 10 ms of CPU;
# bytes for --event alloc). Prints wrk's figures and the server's CPU time per request (a cluster: all nodes), writes
# tools/bench/results/profile-WORKLOAD-EVENT[-nodeN].{collapsed,html} and prints the 40 hottest frames (self; a
# cluster: all nodes together, then CPU by thread kind).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# One benchmark at a time on this machine: they pin the same cores and use the same ports.
exec 9>"${BENCH_LOCK:-/tmp/basalt-bench.lock}"; flock 9
bench="$root/tools/bench"
cache="$bench/.cache"
mode="--in-memory"; event="cpu"; seconds=10; interval=""; cluster=0; warmup=""; pin="taskset -c 0"
while [ $# -gt 1 ]; do
    case "$1" in
        --durable) mode="" ;;
        --cluster) cluster=1 ;;
        --warmup) warmup="$2"; shift ;;
        --unpinned) pin="" ;;
        --gsi) gsi=1 ;;
        --event) event="$2"; shift ;;
        --seconds) seconds="$2"; shift ;;
        --interval) interval="$2"; shift ;;
        *) echo "profile: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
workload="${1:?usage: profile.sh [--durable | --cluster] [--event E] [--seconds S] WORKLOAD}"
port="${BENCH_PORT:-8791}"
[ -n "$warmup" ] || { [ $cluster = 1 ] && warmup=120 || warmup=15; }
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
ready() { for _ in $(seq 600); do curl -sf "http://127.0.0.1:$1/" >/dev/null && return 0; sleep 0.1; done; return 1; }
if [ $cluster = 1 ]; then
    $pin "$root/basalt" cluster --nodes 3 --node-heap 512m --port $port --data-dir "$work/data" >"$work/server.log" 2>&1 &
    server=$!
    for p in $port $((port + 1)) $((port + 2)); do ready $p || { echo "profile: node on $p not ready" >&2; exit 1; }; done
    # `basalt cluster` prints "node-N pid P http://..." for every node it starts.
    mapfile -t pids < <(sed -nE 's/^node-[0-9]+ pid ([0-9]+) .*/\1/p' "$work/server.log")
    [ ${#pids[@]} = 3 ] || { echo "profile: expected 3 node pids in the cluster's output" >&2; exit 1; }
    sleep 5   # table creation waits for the data groups' first elections
else
    $pin "$root/basalt" serve $mode --port $port --data-dir "$work/data" >"$work/server.log" 2>&1 &
    server=$!
    ready $port
    pids=("$server")
fi
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
wrk_run "$workload.lua" "$warmup" 32 >/dev/null   # warm-up: long enough for C2 to settle
jcmd="$(dirname "$(readlink -f "$(command -v java)")")/jcmd"   # jcmd splits options at commas unless quoted
opts="$event${interval:+,interval=$interval}${BENCH_PROFILE_OPTS:+,$BENCH_PROFILE_OPTS}"
[ $cluster = 1 ] && opts="$opts,threads"
for pid in "${pids[@]}"; do "$jcmd" $pid JVMTI.agent_load "$agent" "\"start,event=$opts\"" >/dev/null; done
cpu_ticks() {   # user + system time of the server (a cluster: every node), in ticks
    local pid t=0; for pid in "${pids[@]}"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done; echo $t
}
before=$(cpu_ticks)
wrk_run "$workload.lua" "$seconds" 32 >"$work/wrk.out"
after=$(cpu_ticks)
grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|BENCH_ERRORS" "$work/wrk.out"
# CPU per request holds still when other processes share the machine, where ops/s does not.
awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '/requests in/ {
    printf "Server CPU per request: %.1f us (%d requests)\n", 1e6 * ticks / hz / $1, $1 }' "$work/wrk.out"
files=()
for i in "${!pids[@]}"; do
    f="$out"; [ $cluster = 1 ] && f="$out-node$((i + 1))"
    "$jcmd" ${pids[$i]} JVMTI.agent_load "$agent" "\"dump,file=$f.html\"" >/dev/null
    "$jcmd" ${pids[$i]} JVMTI.agent_load "$agent" "\"stop,file=$f.collapsed,collapsed\"" >/dev/null
    echo "profile: $f.collapsed"; files+=("$f.collapsed")
done
# Self time per frame: the last frame of each collapsed stack.
awk '{ n = $NF; $NF = ""; sub(/ $/, ""); k = split($0, f, ";"); self[f[k]] += n; total += n }
     END { for (s in self) printf "%6.2f%% %s\n", 100 * self[s] / total, s }' "${files[@]}" | sort -rn | head -40 || true
if [ $cluster = 1 ]; then
    # CPU by kind of thread: the first frame is the thread's name ([name tid=N]); digits folded so that pools add up.
    echo "CPU by thread kind (all nodes):"
    awk '{ n = $NF; split($0, f, ";"); t = f[1]; sub(/ tid=[0-9]+\]$/, "]", t); gsub(/[0-9]+/, "N", t); by[t] += n; total += n }
         END { for (t in by) printf "%6.2f%% %s\n", 100 * by[t] / total, t }' "${files[@]}" | sort -rn | head -25 || true
fi
