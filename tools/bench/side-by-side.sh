#!/usr/bin/env bash
# Side-by-side benchmark (project issue 5): starts each target in turn on 127.0.0.1, loads the same data, drives the
# same wrk workloads (every response checked), and prints a Markdown table with ratios, also written to
# tools/bench/results/latest.md. Usage:
#   tools/bench/side-by-side.sh [--quick] [--targets LIST] [--seconds S] [--rounds R] [--warmup S] [--unpinned]
# Targets (comma-separated, default all): basalt-memory, basalt-durable, basalt-cluster, dynamodb-local, dynalite,
# ceiling. basalt-cluster is `basalt cluster --nodes 3` (three node processes, RF 3, durable; all pinned to core 0 like
# every server, so it has the single node's CPU for three replicas); wrk talks to node 1, which forwards what other
# nodes lead over the internal RPC.
# --quick: 1 round of 3 s after a 1 s warm-up (used by the smoke test); default: 3 rounds of 10 s after 5 s.
# Server pinned to core 0, wrk (1 thread, 32 connections) to core 1. Each figure is the median of the rounds.
# --unpinned: every server on both cores (wrk still on core 1), the whole machine for each target as a user runs it
# (`basalt cluster` then sizes its groups for 2 processors instead of 1).
# A peer that cannot be fetched or started is reported in the table and the run goes on with the others.
# Environment: BASALT_JAR and BASALT_JAVA_OPTS (for the ./basalt launcher, which starts Basalt as users run it),
# BENCH_CEILING_CP (class path of io.basalt.bench.CeilingServer), BENCH_KEYS (keys of the PutItem/GetItem/UpdateItem
# table, default 100000), BENCH_OUT (output file), BENCH_PORT (the targets' port, default 8790; the smoke test picks
# a free one so that it cannot talk to a server some other run left on the default).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# One benchmark at a time on this machine: they pin the same cores and use the same ports (the test
# suite's --quick smoke run goes ahead regardless; its figures are not results).
case " $* " in *" --quick "*) ;; *) exec 9>"${BENCH_LOCK:-/tmp/basalt-bench.lock}"; flock 9 ;; esac
bench="$root/tools/bench"
cache="$bench/.cache"
all_targets="basalt-memory,basalt-durable,basalt-cluster,dynamodb-local,dynalite,ceiling"
targets="$all_targets"; rounds=3; seconds=10; warmup=5; quick=0; cores=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; rounds=1; seconds=3; warmup=1 ;;
        --targets) targets="$2"; shift ;;
        --seconds) seconds="$2"; shift ;;
        --rounds) rounds="$2"; shift ;;
        --warmup) warmup="$2"; shift ;;
        --unpinned) cores=0,1 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "side-by-side: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
for tool in wrk taskset curl java; do
    command -v $tool >/dev/null || { echo "side-by-side: $tool is not on the PATH" >&2; exit 2; }
done
export BENCH_KEYS="${BENCH_KEYS:-100000}"
workloads="putitem getitem updateitem query"
connections=32
port="${BENCH_PORT:-8790}"
out="${BENCH_OUT:-$bench/results/latest.md}"
mkdir -p "$(dirname "$out")" "$cache"
work="$(mktemp -d)"
raw="$work/raw.tsv"; : >"$raw"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
log() { echo "[side-by-side $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib.sh
. "$bench/lib.sh"   # call, wait_ready, create_table, run_wrk, parse_wrk, preload_until_done, num, lat, ratio

declare -A status cold rss preload_s

# ---- fetching and starting each target -------------------------------------------------------------------------

# Basalt runs through its launcher, as users run it (JVM options, class-data archive, native libraries); the first
# call builds the jar and its archive when needed, so that no timed start pays for them.
basalt_launcher() {
    "$root/basalt" --version >/dev/null 2>&1 || return 1
    echo "$root/basalt"
}

ddb_local_dir() {
    local dir="$cache/dynamodb-local"
    if ! ls "$dir"/lib/DynamoDBLocal-2.6.1.jar >/dev/null 2>&1 || ! ls "$dir"/lib/*.so >/dev/null 2>&1; then
        mkdir -p "$dir"
        cat >"$dir/pom.xml" <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>dynamodb-local-fetch</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>com.amazonaws</groupId><artifactId>DynamoDBLocal</artifactId><version>2.6.1</version></dependency>
    <dependency><groupId>com.almworks.sqlite4java</groupId><artifactId>libsqlite4java-linux-amd64</artifactId>
      <version>1.0.392</version><type>so</type></dependency>
  </dependencies>
</project>
EOF
        log "fetching DynamoDB Local 2.6.1 from Maven Central into $dir/lib"
        (cd "$dir" && "$root/mvnw" -q -B -f pom.xml dependency:copy-dependencies -DoutputDirectory=lib) \
            >"$dir/fetch.log" 2>&1 || { tail -5 "$dir/fetch.log" >&2; return 1; }
    fi
    echo "$dir"
}

dynalite_cli() {
    local cli="$cache/node_modules/dynalite/cli.js"
    if [ ! -f "$cli" ]; then
        command -v npm >/dev/null || return 1
        log "fetching dynalite 4.0.0 from the npm registry into $cache"
        npm install --no-audit --no-fund --prefix "$cache" dynalite@4.0.0 >"$cache/npm.log" 2>&1 \
            || { tail -5 "$cache/npm.log" >&2; return 1; }
    fi
    echo "$cli"
}

ceiling_cp() {
    if [ -n "${BENCH_CEILING_CP:-}" ]; then echo "$BENCH_CEILING_CP"; return; fi
    local jar="$root/basalt-bench/target/benchmarks.jar"
    if [ ! -f "$jar" ] || [ -n "$(find "$root/basalt-bench/src/main" -newer "$jar" -print -quit)" ]; then
        (cd "$root" && ./mvnw -q -B -DskipTests -pl basalt-bench -am install) >&2 || return 1
    fi
    echo "$jar"
}

# Prints the command line of a target (one word per line), or fails with a reason on stderr.
command_of() {
    local target="$1" data="$2" p
    case "$target" in
        basalt-memory) p="$(basalt_launcher)" || return 1
            printf '%s\n' "$p" serve --in-memory --port "$port" --data-dir "$data" ;;
        basalt-durable) p="$(basalt_launcher)" || return 1
            printf '%s\n' "$p" serve --port "$port" --data-dir "$data" ;;
        basalt-cluster) p="$(basalt_launcher)" || return 1
            printf '%s\n' "$p" cluster --nodes 3 --node-heap 512m --port "$port" --data-dir "$data" ;;
        dynamodb-local) p="$(ddb_local_dir)" || return 1
            printf '%s\n' java "-Djava.library.path=$p/lib" "-Dsqlite4java.library.path=$p/lib" \
                -cp "$p/lib/*" com.amazonaws.services.dynamodbv2.local.main.ServerRunner -inMemory -port "$port" ;;
        dynalite) command -v node >/dev/null || { echo "node is not on the PATH" >&2; return 1; }
            p="$(dynalite_cli)" || return 1
            printf '%s\n' node "$p" --host 127.0.0.1 --port "$port" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 ;;
        ceiling) p="$(ceiling_cp)" || return 1
            printf '%s\n' java -cp "$p" io.basalt.bench.CeilingServer "$port" ;;
        *) echo "unknown target $target" >&2; return 1 ;;
    esac
}

create_tables() {
    create_table '{"TableName":"Bench","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' &&
        create_table '{"TableName":"BenchQ","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"}'
}

# ---- running wrk (run_wrk, parse_wrk, preload_until_done: lib.sh) ----------------------------------------------

preload() {  # preload MODE -> prints the milliseconds taken; fails when any batch failed
    local ms result
    ms=$(preload_until_done 8 600 BENCH_PRELOAD="$1") || { log "  preload $1: wrk stopped before the end"; return 1; }
    result="$(parse_wrk)"
    log "  preload $1: $ms ms, errors: $(echo "$result" | cut -d' ' -f4-)"
    [ "$(echo "$result" | cut -d' ' -f4)" = 0 ] || return 1
    echo "$ms"
}

bench_target() {
    local target="$1" data="$work/data-$1" cmd t0 t1 ok=0 body_check=1 pre1 pre2
    mkdir -p "$data"
    if ! mapfile -t cmd < <(command_of "$target" "$data" 2>"$work/why") || [ ${#cmd[@]} -eq 0 ]; then
        status[$target]="not run: could not fetch or build ($(tail -1 "$work/why"))"; log "$target: ${status[$target]}"
        return
    fi
    log "$target: starting ${cmd[*]:0:3} ..."
    t0=$(date +%s%N)
    # DynamoDB Local writes dynamodb-local-metadata.json into its working directory: run it in its data directory
    if [ "$target" = dynamodb-local ]; then
        (cd "$data" && exec taskset -c "$cores" "${cmd[@]}") >"$work/$target.log" 2>&1 &
    else
        taskset -c "$cores" "${cmd[@]}" >"$work/$target.log" 2>&1 &
    fi
    server=$!
    wait_ready "$server" && ok=1
    t1=$(date +%s%N)
    if [ $ok = 0 ]; then
        status[$target]="not run: did not answer ListTables ($(tail -1 "$work/$target.log" | cut -c1-150))"
        log "$target: ${status[$target]}"; kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; server=""; return
    fi
    if [ "$target" = basalt-cluster ]; then
        # Every node must serve before the clock stops: node 1 answering is not the cluster ready.
        for node_port in $((port + 1)) $((port + 2)); do
            (port=$node_port; wait_ready "$server") || ok=0
        done
        t1=$(date +%s%N)
    fi
    cold[$target]=$(( (t1 - t0) / 1000000 ))
    sleep 2
    rss[$target]=$(( ( $(ps -o rss= -p "$server") + $(ps -o rss= --ppid "$server" | awk '{ s += $1 } END { print s + 0 }') ) / 1024 ))
    log "$target: cold start ${cold[$target]} ms, idle RSS ${rss[$target]} MiB"
    status[$target]=ok
    if [ "$target" = ceiling ]; then
        body_check=0; preload_s[$target]="-"
    else
        if ! create_tables; then
            status[$target]="failed: CreateTable"; log "$target: ${status[$target]}"
        elif ! pre1=$(preload bench) || ! pre2=$(preload query); then
            status[$target]="failed: preload had errors"; log "$target: ${status[$target]}"
        else
            preload_s[$target]="$(awk -v a="$pre1" -v b="$pre2" 'BEGIN { printf "%.1f s + %.1f s", a / 1000, b / 1000 }')"
        fi
    fi
    if [ "${status[$target]}" = ok ]; then
        local w r result
        for w in $workloads; do
            run_wrk "$w.lua" "$warmup" $connections BENCH_CHECK_BODY=$body_check
            for r in $(seq "$rounds"); do
                run_wrk "$w.lua" "$seconds" $connections BENCH_CHECK_BODY=$body_check
                result="$(parse_wrk)"
                log "$target $w round $r: $result"
                printf '%s\t%s\t%s\t%s\n' "$target" "$w" "$r" "$result" | sed 's/ /\t/; s/ /\t/; s/ /\t/; s/ /\t/' >>"$raw"
            done
        done
    fi
    kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; server=""
    rm -rf "$data"
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
IFS=, read -ra chosen <<<"$targets"
for target in "${chosen[@]}"; do bench_target "$target"; done

# ---- the report ------------------------------------------------------------------------------------------------

# median per target and workload: "target workload ops p50 p99 errors first_error"
summary="$work/summary.tsv"
sort -t$'\t' -k1,1 -k2,2 "$raw" | awk -F'\t' '
    function med(s,   a, n, i, j, t) { n = split(s, a, " ");
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    function flush() { if (key != "") printf "%s\t%s\t%s\t%s\t%d\t%s\n", key, med(ops), med(p50), med(p99), errs, first }
    { k = $1 "\t" $2; if (k != key) { flush(); key = k; ops = p50 = p99 = ""; errs = 0; first = "-" }
      ops = ops " " $4; p50 = p50 " " $5; p99 = p99 " " $6; errs += $7; if (first == "-" && $8 != "-") first = $8 }
    END { flush() }' >"$summary"

declare -A OPS P50 P99 ERR FIRST
while IFS=$'\t' read -r t w o a b e f; do OPS[$t.$w]=$o; P50[$t.$w]=$a; P99[$t.$w]=$b; ERR[$t.$w]=$e; FIRST[$t.$w]=$f; done <"$summary"
name() { case "$1" in getitem) echo GetItem ;; putitem) echo PutItem ;; updateitem) echo UpdateItem ;; query) echo Query ;; *) echo "$1" ;; esac; }

{
    echo "## Side-by-side, $started"
    echo
    echo "\`tools/bench/side-by-side.sh$( [ $quick = 1 ] && echo " --quick")$( [ "$targets" != "$all_targets" ] && echo " --targets $targets")\`:" \
        "$rounds round(s) of $seconds s per workload after a $warmup s warm-up, median of the rounds;" \
        "server on core(s) $cores, wrk (1 thread, $connections connections) on core 1; $BENCH_KEYS keys of ~1 KB for PutItem/GetItem/UpdateItem," \
        "Query of 20 items (~100 B each) from one of 1,000 partitions. Every response checked (status 200; item present, Count 20)."
    echo
    printf '| workload | metric |'; for t in "${chosen[@]}"; do printf ' %s |' "$t"; done; echo
    printf '|---|---|'; for t in "${chosen[@]}"; do printf -- '---:|'; done; echo
    for w in $workloads; do
        printf '| %s | ops/s |' "$(name $w)"; for t in "${chosen[@]}"; do printf ' %s |' "$(num "${OPS[$t.$w]:-}")"; done; echo
        printf '| | p50 / p99 ms |'; for t in "${chosen[@]}"; do
            if [ -n "${OPS[$t.$w]:-}" ]; then printf ' %s / %s |' "$(lat "${P50[$t.$w]}")" "$(lat "${P99[$t.$w]}")"; else printf ' - |'; fi; done; echo
        printf '| | errors |'; for t in "${chosen[@]}"; do printf ' %s |' "${ERR[$t.$w]:--}"; done; echo
    done
    echo
    peers=(); for t in "${chosen[@]}"; do case "$t" in basalt-*) ;; *) peers+=("$t") ;; esac; done
    for b in "${chosen[@]}"; do
        case "$b" in basalt-*) ;; *) continue ;; esac
        [ ${#peers[@]} -gt 0 ] || continue
        echo "Ratios for $b (throughput ÷ peer's throughput; p99 ÷ peer's p99):"
        echo
        printf '| workload |'; for p in "${peers[@]}"; do printf ' ops/s vs %s | p99 vs %s |' "$p" "$p"; done; echo
        printf '|---|'; for p in "${peers[@]}"; do printf -- '---:|---:|'; done; echo
        for w in $workloads; do
            printf '| %s |' "$(name $w)"
            for p in "${peers[@]}"; do printf ' %s | %s |' "$(ratio "${OPS[$b.$w]:-}" "${OPS[$p.$w]:-}")" "$(ratio "${P99[$b.$w]:-}" "${P99[$p.$w]:-}")"; done
            echo
        done
        echo
    done
    if [ -n "${OPS[basalt-cluster.putitem]:-}" ] && [ -n "${OPS[basalt-durable.putitem]:-}" ]; then
        # Issue 16's target: the 3-node cluster reaches at least half the single node's durable throughput.
        echo "The 3-node cluster against the durable single node (throughput ÷ throughput; p99 ÷ p99):"
        echo
        echo "| workload | ops/s | p99 |"
        echo "|---|---:|---:|"
        for w in $workloads; do
            printf '| %s | %s | %s |\n' "$(name $w)" "$(ratio "${OPS[basalt-cluster.$w]:-}" "${OPS[basalt-durable.$w]:-}")" \
                "$(ratio "${P99[basalt-cluster.$w]:-}" "${P99[basalt-durable.$w]:-}")"
        done
        echo
    fi
    echo "| target | status | cold start (launch → first ListTables; a cluster: every node) | idle RSS (a cluster: all nodes) | preload ($(num $BENCH_KEYS) + 20,000 items) |"
    echo "|---|---|---:|---:|---|"
    for t in "${chosen[@]}"; do
        printf '| %s | %s | %s | %s | %s |\n' "$t" "${status[$t]:-not run}" "${cold[$t]:+${cold[$t]} ms}" "${rss[$t]:+${rss[$t]} MiB}" "${preload_s[$t]:--}"
    done
    errors_seen=0
    for k in "${!ERR[@]}"; do [ "${ERR[$k]}" != 0 ] && { errors_seen=1; echo; echo "Errors in $k: ${ERR[$k]}, first: ${FIRST[$k]}"; }; done
    [ $errors_seen = 0 ] && { echo; echo "No failed responses."; }
} >"$out"
cat "$out"
# exit status: 0 when every chosen target ran without a failed response
for t in "${chosen[@]}"; do [ "${status[$t]:-}" = ok ] || exit 1; done
[ "${errors_seen:-0}" = 0 ]
