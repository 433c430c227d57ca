#!/usr/bin/env bash
# Cluster write cost, interleaved A/B of Basalt jars (issue 16's write target; the hot-path rule's A/B). For each
# round and each jar in turn: starts `basalt cluster --nodes 3` (durable, --node-heap 512m) on a fresh directory,
# creates the Bench table, preloads BENCH_KEYS items, runs PutItem (or --workload) with wrk (1 thread, 32 connections,
# pinned to core 1) for the warm-up, then measures SECONDS: ops/s, p50/p99, node CPU per write (the three node
# processes' user + system time from /proc/PID/stat over the measured run, divided by its writes) and Raft entries per
# write (entries appended to node 2's data-group logs during the measured run, counted in Ratis' segment files).
# CPU per write and entries per write hold still when the machine is shared, where ops/s does not. Usage:
#   tools/bench/cluster-writes.sh [--jars A.jar,B.jar] [--rounds R] [--warmup S] [--seconds S] [--unpinned]
#                                 [--workload putitem|updateitem] [--groups-per-node G] [--single]
# Defaults: the launcher's jar (BASALT_JAR or the build), 2 rounds, 120 s warm-up (three JVMs compile on one core),
# 30 s measured, the cluster pinned to core 0 as side-by-side.sh pins it (--unpinned: both cores). --single: the same
# A/B of the durable single node (`basalt serve`), for a change on a path both share; its entries column is 0.
# Environment: BENCH_KEYS (default 2000), BENCH_PORT_BASE (first API port; default random in 20000-39999).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec 9>"${BENCH_LOCK:-/tmp/basalt-bench.lock}"; flock 9
jars=""; rounds=2; warmup=120; seconds=30; pin="taskset -c 0"; workload=putitem; groups=""; single=0
while [ $# -gt 0 ]; do
    case "$1" in
        --jars) jars="$2"; shift ;;
        --rounds) rounds="$2"; shift ;;
        --warmup) warmup="$2"; shift ;;
        --seconds) seconds="$2"; shift ;;
        --unpinned) pin="" ;;
        --workload) workload="$2"; shift ;;
        --groups-per-node) groups="$2"; shift ;;
        --single) single=1 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "cluster-writes: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
bench="$root/tools/bench"
export BENCH_KEYS="${BENCH_KEYS:-2000}"
work="$(mktemp -d)"
launcher=""
stop_cluster() {  # the launcher stops its nodes on SIGTERM; a node it could not stop is killed by its pid
    [ -n "$launcher" ] && kill "$launcher" 2>/dev/null && wait "$launcher" 2>/dev/null
    launcher=""
    local pid
    for pid in "${pids[@]+"${pids[@]}"}"; do
        grep -qs basalt "/proc/$pid/cmdline" && kill -9 "$pid" 2>/dev/null
    done
    pids=()
}
cleanup() { stop_cluster; rm -rf "$work"; }
trap cleanup EXIT
log() { echo "[cluster-writes $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib.sh
. "$bench/lib.sh"   # call, wait_ready, create_table, run_wrk, parse_wrk, preload_until_done
[ -n "$jars" ] || jars="${BASALT_JAR:-default}"
IFS=, read -r -a jar_list <<<"$jars"
base=${BENCH_PORT_BASE:-$(( 20000 + RANDOM % 20000 ))}

# Raft entries in a node's data-group logs: Ratis' segment files are an 8-byte header, then per entry a varint32
# length, the entry and a 4-byte checksum; the open segment is preallocated with zeros after its last entry. The
# metadata group is group 0, whose directory name ends in its id.
count_entries() {
    python3 - "$1" <<'EOF'
import glob, os, sys
total = 0
for path in glob.glob(os.path.join(sys.argv[1], "*", "current", "log_*")):
    if os.path.basename(os.path.dirname(os.path.dirname(path))).endswith("000000000000"):
        continue
    data = open(path, "rb").read()
    pos = 8
    while pos < len(data):
        size, shift = 0, 0
        while pos < len(data):
            b = data[pos]; pos += 1
            size |= (b & 0x7F) << shift; shift += 7
            if b < 0x80:
                break
        if size == 0:
            break
        pos += size + 4
        total += 1
print(total)
EOF
}
cpu_ticks() { local t=0 pid; for pid in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done; echo $t; }

measure() {  # measure JAR LABEL -> one result line
    local jar="$1" label="$2" data="$work/cluster-$RANDOM" before after e0 e1 result ops
    pids=()
    port=$base
    if [ "$jar" = default ]; then unset BASALT_JAR; else export BASALT_JAR="$jar"; fi
    "$root/basalt" --version >/dev/null 2>&1 || { log "$label: the launcher cannot start $jar"; return 1; }
    if [ $single = 1 ]; then
        # The launcher execs the JVM: its pid is the server's.
        $pin "$root/basalt" serve --port "$base" --data-dir "$data" >"$work/launcher.log" 2>&1 &
        launcher=$!
        (port=$base; wait_ready "$launcher") || { log "$label: server on $base not ready"; return 1; }
        pids=("$launcher")
    else
        $pin "$root/basalt" cluster --nodes 3 --port "$base" --node-heap 512m ${groups:+--groups-per-node "$groups"} \
            --data-dir "$data" >"$work/launcher.log" 2>&1 &
        launcher=$!
        for p in $base $((base + 1)) $((base + 2)); do (port=$p; wait_ready "$launcher") || { log "$label: node on $p not ready"; return 1; }; done
        mapfile -t pids < <(sed -nE 's/^node-[0-9]+ pid ([0-9]+) .*/\1/p' "$work/launcher.log")
    fi
    create_table '{"TableName":"Bench","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' \
        || { log "$label: CreateTable failed"; return 1; }
    preload_until_done 8 600 BENCH_PRELOAD=bench >/dev/null || { log "$label: preload failed"; return 1; }
    run_wrk "$workload.lua" "$warmup" 32 BENCH_CHECK_BODY=1
    e0=$(count_entries "$data/node-2/raft"); before=$(cpu_ticks "${pids[@]}")
    run_wrk "$workload.lua" "$seconds" 32 BENCH_CHECK_BODY=1
    after=$(cpu_ticks "${pids[@]}"); e1=$(count_entries "$data/node-2/raft")
    result="$(parse_wrk)"   # ops/s p50 p99 errors ...
    stop_cluster; rm -rf "$data"
    awk -v label="$label" -v r="$result" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v secs="$seconds" \
        -v entries=$((e1 - e0)) 'BEGIN { split(r, f, " "); writes = f[1] * secs;
        printf "| %s | %.0f | %s / %s | %.0f | %.3f | %s |\n", label, f[1], f[2], f[3],
            (writes > 0 ? 1e6 * ticks / hz / writes : 0), (writes > 0 ? entries / writes : 0), f[4] }'
}

echo "| jar | ops/s | p50 / p99 ms | node CPU µs/write | Raft entries/write (node 2) | errors |"
echo "|---|---:|---|---:|---:|---:|"
for r in $(seq "$rounds"); do
    for i in "${!jar_list[@]}"; do
        log "round $r: ${jar_list[$i]}"
        # A jar in a build tree is named by its worktree (WT/basalt-cli/target/basalt.jar), any other by its file.
        label="$(basename "${jar_list[$i]}" .jar)"
        [ "$label" = basalt ] && label="$(basename "$(dirname "$(dirname "$(dirname "${jar_list[$i]}")")")")"
        measure "${jar_list[$i]}" "$label r$r" \
            || { echo "| ${jar_list[$i]} r$r | failed | | | | |"; stop_cluster; }
    done
done
