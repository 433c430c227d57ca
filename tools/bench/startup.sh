#!/usr/bin/env bash
# Cold start and idle footprint of Basalt as users run it (project issue 5), measured the way side-by-side.sh does:
# launch `./basalt serve` on core 0 (taskset), poll ListTables with curl every 10 ms until it answers (cold start =
# launch → first successful answer), read the RSS with `ps -o rss` 2 s later, before any load, then stop it with
# SIGTERM. Each run gets a new, empty data directory. Prints every run and, per mode, the median. Usage:
#   tools/bench/startup.sh [--runs N] [--modes in-memory,durable] [--port P]
# Environment: BASALT_JAVA_OPTS and BASALT_JAR, passed to the launcher (see README, `basalt serve`).
# The launcher builds the jar (and its class-data archive) on first use: one untimed `./basalt --version` does that
# before the first timed run.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# One benchmark at a time on this machine: they pin the same cores and use the same ports.
exec 9>"${BENCH_LOCK:-/tmp/basalt-bench.lock}"; flock 9
runs=5; modes="in-memory,durable"; port=18791
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift ;;
        --modes) modes="$2"; shift ;;
        --port) port="$2"; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "startup: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
for tool in taskset curl ps; do
    command -v $tool >/dev/null || { echo "startup: $tool is not on the PATH" >&2; exit 2; }
done
work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

list_tables() {
    curl -sf -m 5 -X POST "http://127.0.0.1:$port/" -H 'Content-Type: application/x-amz-json-1.0' \
        -H 'X-Amz-Target: DynamoDB_20120810.ListTables' -H 'X-Amz-Date: 20260101T000000Z' \
        -H 'Authorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
        -d '{}' >/dev/null 2>&1
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2];
    else printf "%d\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

"$root/basalt" --version >/dev/null || { echo "startup: ./basalt --version failed" >&2; exit 1; }
echo "Basalt start-up, $runs run(s) per mode, ./basalt serve pinned to core 0; BASALT_JAVA_OPTS=${BASALT_JAVA_OPTS-(unset)};" \
    "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
IFS=, read -ra chosen <<<"$modes"
for mode in "${chosen[@]}"; do
    case "$mode" in
        in-memory) flag=--in-memory ;;
        durable) flag="" ;;
        *) echo "startup: unknown mode $mode" >&2; exit 2 ;;
    esac
    : >"$work/cold"; : >"$work/rss"
    for run in $(seq "$runs"); do
        data="$work/data-$run"
        # Something else answering on the port would be timed instead of Basalt.
        if list_tables; then echo "startup: port $port is already in use (--port P to choose another)" >&2; exit 2; fi
        t0=$(date +%s%N)
        taskset -c 0 "$root/basalt" serve --port $port --data-dir "$data" $flag >"$work/server.log" 2>&1 &
        server=$!
        ok=0
        for _ in $(seq 3000); do   # up to ~60 s
            if list_tables; then ok=1; break; fi
            kill -0 "$server" 2>/dev/null || break
            sleep 0.01
        done
        t1=$(date +%s%N)
        if [ $ok = 0 ]; then
            echo "$mode run $run: did not answer ListTables: $(tail -3 "$work/server.log")"; status=1
        else
            sleep 2
            rss=$(( $(ps -o rss= -p "$server") / 1024 ))
            cold=$(( (t1 - t0) / 1000000 ))
            echo "$cold" >>"$work/cold"; echo "$rss" >>"$work/rss"
            echo "$mode run $run: cold start $cold ms, idle RSS $rss MiB"
        fi
        kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; server=""
        rm -rf "$data"
    done
    echo "$mode median: cold start $(median <"$work/cold") ms, idle RSS $(median <"$work/rss") MiB"
done
exit $status
