#!/usr/bin/env bash
# Failover time of a 3-node cluster (issue 16's target: the partitions of a killed leader answer again within 3 s).
# Starts `./basalt cluster --nodes 3` on free ports, creates a table of KEYS keys spread over its partitions, and
# runs WRITERS loops that PutItem every key in turn through node 2. Then, per trial, SIGKILLs node 1 (the preferred
# leader of the metadata group and of data group 1, so it leads groups when killed), and reports, for the keys of
# the partitions it led, the time from the kill to their first acknowledged write afterwards (the slowest key is
# the failover time: a key whose partition was not led by node 1 answers at once). Node 1 is started again and the
# cluster left to settle (node 1 takes its groups back by Ratis priority) before the next trial. Usage:
#   tools/bench/cluster-failover.sh [--trials N] [--keys K] [--writers W]
# Environment: BASALT_JAR and BASALT_JAVA_OPTS for the launcher; BENCH_PORT_BASE, the first API port (default:
# random in 20000-39999, where parallel runs may collide); the node heap is --node-heap 512m.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec 9>"${BENCH_LOCK:-/tmp/basalt-bench.lock}"; flock 9
trials=3; keys=32; writers=4
while [ $# -gt 0 ]; do
    case "$1" in
        --trials) trials="$2"; shift ;;
        --keys) keys="$2"; shift ;;
        --writers) writers="$2"; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "cluster-failover: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
bench="$root/tools/bench"
work="$(mktemp -d)"
launcher=""; node1=""; loops=()
cleanup() {
    for pid in "${loops[@]}"; do kill "$pid" 2>/dev/null; done
    [ -n "$node1" ] && kill "$node1" 2>/dev/null
    [ -n "$launcher" ] && kill "$launcher" 2>/dev/null && wait "$launcher" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
log() { echo "[cluster-failover $(date +%H:%M:%S)] $*" >&2; }
now_ms() { date +%s%3N; }
# shellcheck source=lib.sh
. "$bench/lib.sh"   # call, wait_ready, create_table

base=${BENCH_PORT_BASE:-$(( 20000 + RANDOM % 20000 ))}
"$root/basalt" --version >/dev/null 2>&1 || { echo "cluster-failover: the launcher cannot build Basalt" >&2; exit 1; }
log "starting basalt cluster --nodes 3 on ports $base-$((base + 2))"
"$root/basalt" cluster --nodes 3 --port "$base" --node-heap 512m --data-dir "$work/cluster" >"$work/launcher.log" 2>&1 &
launcher=$!
for p in $base $((base + 1)) $((base + 2)); do
    port=$p wait_ready "$launcher" || { log "node on port $p did not answer"; cat "$work/launcher.log" >&2; exit 1; }
done
node1=$(sed -nE 's/^node-1 pid ([0-9]+) .*/\1/p' "$work/launcher.log" | head -1)
[ -n "$node1" ] || { log "no pid for node-1 in the launcher's output"; cat "$work/launcher.log" >&2; exit 1; }
port=$((base + 1))
create_table '{"TableName":"Failover","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' \
    || { log "CreateTable failed"; exit 1; }

# Each writer owns keys w, w+W, ...; it appends "key epoch_ms" to its file after every acknowledged PutItem.
for w in $(seq 0 $((writers - 1))); do
    (
        while true; do
            for k in $(seq "$w" "$writers" $((keys - 1))); do
                if call PutItem "{\"TableName\":\"Failover\",\"Item\":{\"pk\":{\"S\":\"key-$k\"}}}" >/dev/null 2>&1; then
                    echo "$k $(now_ms)" >>"$work/acks-$w"
                fi
            done
        done
    ) &
    loops+=($!)
done
sleep 5

echo "| trial | keys slowed by the kill | slowest first write after the kill | median of those |"
echo "|---:|---:|---:|---:|"
for trial in $(seq "$trials"); do
    killed=$(now_ms)
    kill -9 "$node1"
    sleep 12
    # Per key: its first acknowledged write after the kill, in ms after it.
    cat "$work"/acks-* | awk -v t="$killed" '$2 > t && !($1 in first) { first[$1] = $2 - t }
        END { for (k in first) print first[k] }' | sort -n >"$work/firsts"
    answered=$(wc -l <"$work/firsts")
    # Keys whose partition node 1 did not lead answer within a round of the loop; count the ones that waited.
    slowed=$(awk '$1 > 1000' "$work/firsts" | wc -l)
    slowest=$(tail -1 "$work/firsts")
    median=$(awk '$1 > 1000' "$work/firsts" | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "-") }')
    if [ "$answered" -lt "$keys" ]; then
        slowest="more than 12000 ($((keys - answered)) keys unanswered)"
    fi
    echo "| $trial | $slowed of $keys | ${slowest} ms | ${median} ms |"
    # Node 1 again, and time for it to take back the groups it prefers to lead.
    "$root/basalt" serve --data-dir "$work/cluster/node-1" >>"$work/node-1.log" 2>&1 &
    node1=$!
    port=$base wait_ready "$node1" || { log "node 1 did not come back"; tail -20 "$work/node-1.log" >&2; exit 1; }
    port=$((base + 1))
    sleep 15
done
echo
echo "Writes through node 2, $writers writer loops (curl, one request at a time each) over $keys keys; node 1" \
    "SIGKILLed in each trial and restarted afterwards."
