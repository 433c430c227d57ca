#!/usr/bin/env bash
# Failover time of a 3-node cluster (issue 16's target: the partitions of a killed leader answer again within 3 s).
# Starts `./basalt cluster --nodes 3` on free ports, creates a table of KEYS keys spread over its partitions, and
# runs WRITERS loops that PutItem every key in turn through node 2. Then, per trial, SIGKILLs node 1 or node 3,
# whichever leads a data group (GET /_basalt/cluster/node's LeaderOf; the trial waits up to 30 s for one to, since
# the leader balance moves leaderships after each restart), and reports, for the keys of the partitions it led, the
# time from the kill to their first acknowledged write afterwards (the slowest key is the failover time: a key whose
# partition it did not lead answers at once). The killed node is started again and the cluster left to settle
# before the next trial. Usage:
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
launcher=""; declare -A pids; loops=()
cleanup() {
    for pid in "${loops[@]}" "${pids[@]}"; do kill "$pid" 2>/dev/null; done
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
for n in 1 2 3; do
    pids[$n]=$(sed -nE "s/^node-$n pid ([0-9]+) .*/\\1/p" "$work/launcher.log" | head -1)
    [ -n "${pids[$n]}" ] || { log "no pid for node-$n in the launcher's output"; cat "$work/launcher.log" >&2; exit 1; }
done
# leads_data_group N: node N (API port base + N - 1) leads a group other than the metadata group (0).
leads_data_group() {
    curl -sf -m 2 "http://127.0.0.1:$((base + $1 - 1))/_basalt/cluster/node" \
        | sed -nE 's/.*"LeaderOf":\[([^]]*)\].*/\1/p' | tr ',' '\n' | grep -qvE '^ *0? *$'
}
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
    victim=""
    for _ in $(seq 60); do
        for n in 1 3; do leads_data_group $n && { victim=$n; break; }; done
        [ -n "$victim" ] && break
        sleep 0.5
    done
    if [ -z "$victim" ]; then
        echo "| $trial | neither node 1 nor node 3 led a data group within 30 s: no kill | - | - |"
        continue
    fi
    killed=$(now_ms)
    kill -9 "${pids[$victim]}"
    sleep 12
    # Per key: its first acknowledged write after the kill, in ms after it.
    cat "$work"/acks-* | awk -v t="$killed" '$2 > t && !($1 in first) { first[$1] = $2 - t }
        END { for (k in first) print first[k] }' | sort -n >"$work/firsts"
    answered=$(wc -l <"$work/firsts")
    # Keys whose partition the killed node did not lead answer within a round of the loop; count the ones that waited.
    slowed=$(awk '$1 > 1000' "$work/firsts" | wc -l)
    slowest=$(tail -1 "$work/firsts")
    median=$(awk '$1 > 1000' "$work/firsts" | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "-") }')
    if [ "$answered" -lt "$keys" ]; then
        slowest="more than 12000 ($((keys - answered)) keys unanswered)"
    fi
    echo "| $trial (node $victim killed) | $slowed of $keys | ${slowest} ms | ${median} ms |"
    # The killed node again, and time for the cluster to settle (the leader balance moves leaderships back).
    "$root/basalt" serve --data-dir "$work/cluster/node-$victim" >>"$work/node-$victim.log" 2>&1 &
    pids[$victim]=$!
    port=$((base + victim - 1)) wait_ready "${pids[$victim]}" \
        || { log "node $victim did not come back"; tail -20 "$work/node-$victim.log" >&2; exit 1; }
    port=$((base + 1))
    sleep 15
done
echo
echo "Writes through node 2, $writers writer loops (curl, one request at a time each) over $keys keys; node 1 or 3" \
    "(whichever led a data group) SIGKILLed in each trial and restarted afterwards."
