#!/usr/bin/env bash
# Idle footprint of cluster nodes holding many partitions (issue 16's target: a node holding 300 partitions of many
# tables idles under 5 % of a core and under 1 GiB). Starts `./basalt cluster --nodes 3` on free ports, creates
# TABLES tables through node 1 (each gets max(4, data groups) partitions, and with three nodes every node holds a
# member of every group, so every node holds every partition), writes one item per table, waits for the cluster to
# settle, then samples each node's CPU time (/proc/PID/stat, user + system) over SECONDS and its RSS, and prints one
# line per node and a summary. Usage:
#   tools/bench/cluster-idle.sh [--tables N] [--seconds S] [--groups-per-node G]
# Environment: BASALT_JAR and BASALT_JAVA_OPTS for the launcher; BENCH_PORT_BASE, the first API port (default:
# random in 20000-39999, where parallel runs may collide); the node heap is --node-heap 512m.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec 9>"${BENCH_LOCK:-/tmp/basalt-bench.lock}"; flock 9
tables=75; seconds=30; groups=""
while [ $# -gt 0 ]; do
    case "$1" in
        --tables) tables="$2"; shift ;;
        --seconds) seconds="$2"; shift ;;
        --groups-per-node) groups="$2"; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "cluster-idle: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
bench="$root/tools/bench"
work="$(mktemp -d)"
launcher=""
cleanup() { [ -n "$launcher" ] && kill "$launcher" 2>/dev/null && wait "$launcher" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
log() { echo "[cluster-idle $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib.sh
. "$bench/lib.sh"   # call, wait_ready, create_table

base=${BENCH_PORT_BASE:-$(( 20000 + RANDOM % 20000 ))}
"$root/basalt" --version >/dev/null 2>&1 || { echo "cluster-idle: the launcher cannot build Basalt" >&2; exit 1; }
log "starting basalt cluster --nodes 3 on ports $base-$((base + 2))"
"$root/basalt" cluster --nodes 3 --port "$base" --node-heap 512m ${groups:+--groups-per-node "$groups"} \
    --data-dir "$work/cluster" >"$work/launcher.log" 2>&1 &
launcher=$!
for p in $base $((base + 1)) $((base + 2)); do
    port=$p wait_ready "$launcher" || { log "node on port $p did not answer"; cat "$work/launcher.log" >&2; exit 1; }
done
port=$base
log "creating $tables tables through node 1"
for i in $(seq "$tables"); do
    create_table "{\"TableName\":\"Idle$i\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}" \
        || { log "CreateTable Idle$i failed"; exit 1; }
    call PutItem "{\"TableName\":\"Idle$i\",\"Item\":{\"pk\":{\"S\":\"k\"}}}" >/dev/null || { log "PutItem Idle$i failed"; exit 1; }
done
log "settling 10 s"
sleep 10
pids=$(ps -o pid= --ppid "$launcher" | tr -d ' ')
ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
declare -A before
for pid in $pids; do before[$pid]=$(cpu "$pid"); done
sleep "$seconds"
echo "| node pid | idle CPU (% of a core over ${seconds} s) | RSS | threads |"
echo "|---|---:|---:|---:|"
for pid in $pids; do
    used=$(( $(cpu "$pid") - ${before[$pid]} ))
    printf '| %s | %s %% | %s MiB | %s |\n' "$pid" \
        "$(awk -v u="$used" -v t="$ticks" -v s="$seconds" 'BEGIN { printf "%.1f", 100 * u / t / s }')" \
        "$(( $(ps -o rss= -p "$pid") / 1024 ))" "$(ls "/proc/$pid/task" | wc -l)"
done
echo
echo "$tables tables (plus the internal ledger table), each of max(4, data groups) partitions; every node holds a" \
    "member of every data group; groups per node: ${groups:-the default (about one data group per processor, ClusterCommand)}."
