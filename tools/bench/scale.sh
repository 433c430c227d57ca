#!/usr/bin/env bash
# Scale benchmark (project issue 5, part 4): GetItem on a large durable table must cost what it costs on a small one.
# For each size N, on a fresh durable Basalt: create table Bench, preload N items of ~1 KB (incompressible payload),
# let RocksDB settle, restart the server (so that every item is read from SST files, none from a memtable), warm up,
# then GetItem of random existing keys, every response checked. Prints a Markdown table, also written to
# tools/bench/results/scale-latest.md, and compares the largest size with the smallest: throughput and p99 must
# stay within 1.3x. Never part of the test suite. Usage:
#   tools/bench/scale.sh [--sizes LIST] [--seconds S] [--rounds R] [--warmup S] [--preload-connections C]
#                        [--settle-max S] [--cold] [--keep]
# --sizes: comma-separated item counts, default 100000,10000000 (the 10 M table takes ~10 GiB on disk and 10
#   minutes or more of preload). --seconds/--rounds/--warmup: GetItem rounds, default 3 of 10 s after 10 s of warm-up.
# --cold: drop the page cache (needs root: sync; echo 3 > /proc/sys/vm/drop_caches) before each restart; this
#   slows everything else on the machine for a while. Default: warm, see docs/benchmarks.md.
# --preload-connections: wrk's connections for the preload (default 32). --settle-max: the longest wait, in
#   seconds, for RocksDB to go quiet after the preload and after the restart (default 1800).
# --keep: keep the data directories (and server logs) instead of removing them at the end.
# Exit status: 0 when every size ran without a failed response and the ratios are within 1.3x; 1 otherwise;
# 2 for a bad argument or a refusal (tools missing, port busy, not enough disk).
# Environment: BASALT_JAR (skip the build; use this jar), BASALT_JAVA_OPTS (JVM options of the server),
# BENCH_DATA_DIR (where the data directories go, default /tmp), BENCH_PORT (default 8792), BENCH_OUT (report file).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# One benchmark at a time on this machine: they pin the same cores and use the same ports.
exec 9>"${BENCH_LOCK:-/tmp/basalt-bench.lock}"; flock 9
bench="$root/tools/bench"
sizes="100000,10000000"; rounds=3; seconds=10; warmup=10; preload_connections=32; settle_max=1800
cold=0; keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="$2"; shift ;;
        --seconds) seconds="$2"; shift ;;
        --rounds) rounds="$2"; shift ;;
        --warmup) warmup="$2"; shift ;;
        --preload-connections) preload_connections="$2"; shift ;;
        --settle-max) settle_max="$2"; shift ;;
        --cold) cold=1 ;;
        --keep) keep=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "scale: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
IFS=, read -ra size_list <<<"$sizes"
for n in "${size_list[@]}" "$seconds" "$rounds" "$warmup" "$preload_connections" "$settle_max"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "scale: '$n' is not a positive whole number" >&2; exit 2; }
done
for tool in wrk taskset curl java du df awk; do
    command -v $tool >/dev/null || { echo "scale: $tool is not on the PATH" >&2; exit 2; }
done
if [ $cold = 1 ] && [ ! -w /proc/sys/vm/drop_caches ]; then
    echo "scale: --cold needs to write /proc/sys/vm/drop_caches (root, /proc/sys writable)" >&2; exit 2
fi

port="${BENCH_PORT:-8792}"
connections=32
bytes_per_item=1150   # on disk after settling: ~1,000 B payload (LZ4 cannot shrink it) + key, metadata, index, filter
out="${BENCH_OUT:-$bench/results/scale-latest.md}"
base_parent="${BENCH_DATA_DIR:-/tmp}"
log() { echo "[scale $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib.sh
. "$bench/lib.sh"   # call, wait_ready, create_table, run_wrk, parse_wrk, preload_until_done, num, lat, ratio

# ---- refusals before anything starts ---------------------------------------------------------------------------

if call ListTables '{}' >/dev/null 2>&1; then
    echo "scale: something already answers on port $port; set BENCH_PORT to a free port" >&2; exit 2
fi
mkdir -p "$base_parent" || exit 2
largest=0; total=0
for n in "${size_list[@]}"; do [ "$n" -gt $largest ] && largest=$n; total=$((total + n)); done
# Each size's directory is removed before the next size starts, unless --keep keeps them all.
needed=$(( 5 * ( $([ $keep = 1 ] && echo $total || echo $largest) * bytes_per_item ) / 2 ))
free=$(df -PB1 "$base_parent" | awk 'NR == 2 { print $4 }')
gib() { awk -v b="$1" 'BEGIN { if (b >= 1073741824) printf "%.1f GiB", b / 1073741824; else printf "%.0f MiB", b / 1048576 }'; }
if [ "$free" -lt "$needed" ]; then
    echo "scale: $base_parent has $(gib "$free") free; the data ($(gib $((needed * 2 / 5))) expected$( [ $keep = 1 ] && echo \
        ", all sizes kept")) needs 2.5x that, $(gib "$needed"), for RocksDB's WAL and compactions. Free some space or" \
        "point BENCH_DATA_DIR at a larger disk." >&2
    exit 2
fi

# ---- the jar ------------------------------------------------------------------------------------------------

jar="${BASALT_JAR:-$root/basalt-cli/target/basalt.jar}"
if [ -z "${BASALT_JAR:-}" ] && { [ ! -f "$jar" ] || [ -n "$(find "$root" -path "$root/.git" -prune -o \
        -path '*/target' -prune -o \( -path '*/src/main/*' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; }; then
    # package, not install: the jar is all that is needed, and ~/.m2 stays untouched
    log "building $jar"
    (cd "$root" && { ./mvnw -B -o -q -DskipTests -Dcheckstyle.skip -pl basalt-cli -am package ||
        ./mvnw -B -q -DskipTests -Dcheckstyle.skip -pl basalt-cli -am package; }) >&2 || { log "build failed"; exit 2; }
fi
[ -f "$jar" ] || { echo "scale: no jar at $jar" >&2; exit 2; }

# ---- a server, and its clean-up ---------------------------------------------------------------------------------

base="$(mktemp -d "$base_parent/basalt-scale.XXXXXX")"
work="$base/work"; mkdir -p "$work"
server=""
stop_server() {  # SIGTERM (Basalt closes RocksDB in its shutdown hook), SIGKILL after 120 s
    [ -n "$server" ] || return 0
    kill "$server" 2>/dev/null
    for _ in $(seq 1200); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$server" 2>/dev/null && { log "server $server did not stop in 120 s: SIGKILL"; kill -KILL "$server" 2>/dev/null; }
    wait "$server" 2>/dev/null
    server=""
}
cleanup() {
    trap - EXIT INT TERM
    if [ -n "$preloader" ]; then pkill -INT -P "$preloader" 2>/dev/null; kill "$preloader" 2>/dev/null; fi
    stop_server
    if [ $keep = 1 ]; then log "kept the data directories and server logs in $base"; else rm -rf "$base"; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# start_server DATA_DIR LOG PINNED(0/1) -> starts Basalt durable on $port; fails when it does not answer
start_server() {
    local pin=()
    [ "$3" = 1 ] && pin=(taskset -c 0)
    # shellcheck disable=SC2086
    "${pin[@]}" env BASALT_JAR="$jar" "$root/basalt" serve --port "$port" --data-dir "$1" >>"$2" 2>&1 &
    server=$!
    wait_ready "$server" && return 0
    log "the server did not answer ListTables: $(tail -3 "$2" | tr '\n' ' ' | cut -c1-300)"
    stop_server
    return 1
}

# user + system CPU ticks of a process, all its threads (the comm field has no spaces: "java")
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# RocksDB's info LOG: a started flush or compaction that has not finished yet
rocksdb_busy() {
    awk '/"event": "(flush|compaction)_started"/ { n++ } /"event": "(flush|compaction)_finished"/ { n-- }
         END { exit !(n > 0) }' "$1/LOG" 2>/dev/null
}
# settle DATA_DIR -> waits until RocksDB is quiet: two 5 s intervals in a row in which the data directory kept its
# size, the server used under 5 % of a core and RocksDB's LOG shows no flush or compaction under way; gives up
# after --settle-max seconds. Sets $settled to the seconds waited. (Not run in $(...): bash holds a trapped signal,
# Ctrl-C or SIGTERM, until a command substitution ends, and settling can take minutes.)
settled=0
settle() {
    local data="$1" start=$SECONDS quiet=0 size cpu prev_size prev_cpu hz
    hz=$(getconf CLK_TCK)
    prev_size=$(du -sb "$data" | cut -f1); prev_cpu=$(cpu_ticks "$server")
    while [ $quiet -lt 2 ]; do
        if [ $((SECONDS - start)) -ge "$settle_max" ]; then log "  still busy after $settle_max s; going on"; break; fi
        sleep 5
        size=$(du -sb "$data" | cut -f1); cpu=$(cpu_ticks "$server")
        if [ "$size" = "$prev_size" ] && [ $((cpu - prev_cpu)) -lt $((hz / 4)) ] && ! rocksdb_busy "$data"; then
            quiet=$((quiet + 1))
        else
            quiet=0
        fi
        prev_size=$size; prev_cpu=$cpu
    done
    settled=$((SECONDS - start))
}

# ---- one size ----------------------------------------------------------------------------------------------------

raw="$work/rounds.tsv"; : >"$raw"   # size round ops p50 p99 errors first_error
declare -A status preload_ms settle_s restart_ms data_bytes sst_files cached

measure() {
    local n="$1" data="$base/data-$1" slog="$base/server-$1.log" ms result r t0
    mkdir -p "$data"
    log "$(num "$n") items: starting Basalt (durable, not pinned, for the preload) on $data"
    start_server "$data" "$slog" 0 || { status[$n]="failed: the server did not start"; return; }
    create_table '{"TableName":"Bench","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' \
        || { status[$n]="failed: CreateTable"; stop_server; return; }
    # wrk stops by itself once every batch is acknowledged; the -d bound allows for 500 items/s
    if ! preload_until_done "$preload_connections" $((600 + n / 500)) \
            BENCH_PRELOAD=bench BENCH_KEYS="$n" BENCH_PAYLOAD=random >"$work/preload.ms"; then
        status[$n]="failed: wrk stopped before the preload's last batch was answered"; stop_server; return
    fi
    ms=$(cat "$work/preload.ms"); result="$(parse_wrk)"
    log "  preload: $ms ms ($(num "$(awk -v n="$n" -v ms="$ms" 'BEGIN { print n * 1000 / ms }')") items/s), errors: $(cut -d' ' -f4- <<<"$result")"
    if [ "$(cut -d' ' -f4 <<<"$result")" != 0 ]; then
        status[$n]="failed: the preload had errors ($(cut -d' ' -f5- <<<"$result"))"; stop_server; return
    fi
    preload_ms[$n]=$ms
    log "  waiting for RocksDB to settle"
    settle "$data"; settle_s[$n]=$settled
    stop_server
    if [ $cold = 1 ]; then
        log "  dropping the page cache"
        sync; echo 3 >/proc/sys/vm/drop_caches || { status[$n]="failed: could not drop the page cache"; return; }
    fi
    log "  restarting Basalt pinned to core 0"
    t0=$(date +%s%N)
    start_server "$data" "$slog" 1 || { status[$n]="failed: the server did not restart"; return; }
    restart_ms[$n]=$(( ($(date +%s%N) - t0) / 1000000 ))
    settle "$data"; settle_s[$n]="${settle_s[$n]} + $settled"   # reopening flushes the replayed WAL, which may compact
    data_bytes[$n]=$(du -sb "$data" | cut -f1)
    sst_files[$n]=$(find "$data" -name '*.sst' | wc -l)
    if command -v fincore >/dev/null; then   # how much of the SST files the page cache holds now
        cached[$n]=$(find "$data" -name '*.sst' -print0 | xargs -0r fincore -b -n -o RES,SIZE |
            awk '{ r += $1; s += $2 } END { if (s > 0) printf "%.0f %%", 100 * r / s; else print "-" }')
    fi
    log "  $(gib "${data_bytes[$n]}") on disk in ${sst_files[$n]} SST files, ${cached[$n]:-?} of them in the page cache;" \
        "restart ${restart_ms[$n]} ms, settled ${settle_s[$n]} s"
    status[$n]=ok
    run_wrk getitem.lua "$warmup" $connections BENCH_KEYS="$n" BENCH_SEED=1
    result="$(parse_wrk)"
    log "  warm-up: $result"
    if [ "$(cut -d' ' -f4 <<<"$result")" != 0 ]; then status[$n]="failed: errors in the warm-up ($(cut -d' ' -f5- <<<"$result"))"; fi
    for r in $(seq "$rounds"); do
        run_wrk getitem.lua "$seconds" $connections BENCH_KEYS="$n" BENCH_SEED=$((r + 1))
        result="$(parse_wrk)"
        log "  round $r: $result"
        printf '%s %s %s\n' "$n" "$r" "$result" >>"$raw"
    done
    stop_server
    [ $keep = 1 ] || rm -rf "$data"
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for n in "${size_list[@]}"; do measure "$n"; done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the report ------------------------------------------------------------------------------------------------

declare -A OPS P50 P99 ERR FIRST
med() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan";
    else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for n in "${size_list[@]}"; do
    [ "${status[$n]:-}" = ok ] || continue
    OPS[$n]=$(awk -v n="$n" '$1 == n { printf "%s ", $3 }' "$raw" | med)
    P50[$n]=$(awk -v n="$n" '$1 == n { printf "%s ", $4 }' "$raw" | med)
    P99[$n]=$(awk -v n="$n" '$1 == n { printf "%s ", $5 }' "$raw" | med)
    ERR[$n]=$(awk -v n="$n" '$1 == n { e += $6 } END { print e + 0 }' "$raw")
    FIRST[$n]=$(awk -v n="$n" '$1 == n && $6 > 0 { $1 = $2 = $3 = $4 = $5 = $6 = ""; print substr($0, 7); exit }' "$raw")
    [ "${ERR[$n]}" = 0 ] || status[$n]="failed: ${ERR[$n]} failed responses (first: ${FIRST[$n]})"
done
small="${size_list[0]}"; big="$largest"
for n in "${size_list[@]}"; do [ "$n" -lt "$small" ] && small=$n; done
verdict=fail; tput_ratio=""; p99_ratio=""
if [ "${status[$small]:-}" = ok ] && [ "${status[$big]:-}" = ok ] && [ "$small" != "$big" ]; then
    tput_ratio=$(awk -v a="${OPS[$small]}" -v b="${OPS[$big]}" 'BEGIN { printf "%.2f", a / b }')
    p99_ratio=$(awk -v a="${P99[$big]}" -v b="${P99[$small]}" 'BEGIN { printf "%.2f", a / b }')
    awk -v t="$tput_ratio" -v p="$p99_ratio" 'BEGIN { exit !(t <= 1.3 && p <= 1.3) }' && verdict=pass
fi
mem_gib=$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
secs() { awk -v ms="$1" 'BEGIN { if (ms == "") print "-"; else if (ms < 100000) printf "%.1f s", ms / 1000;
    else printf "%d min %02d s", ms / 60000, (ms % 60000) / 1000 }'; }

{
    echo "## Scale, $started"
    echo
    echo "\`tools/bench/scale.sh --sizes $sizes --seconds $seconds --rounds $rounds --warmup $warmup$( [ $cold = 1 ] && echo " --cold")\`" \
        "at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)'):" \
        "Basalt durable (RocksDB), table \`Bench\` of N items of ~1 KB (1,000 pseudo-random letters and digits, which LZ4" \
        "cannot shrink), preloaded with BatchWriteItem (25 items a request, wrk with $preload_connections connections, server" \
        "not pinned); RocksDB left to settle; the server restarted pinned to core 0, so every item is read from SST files;" \
        "then a $warmup s GetItem warm-up and $rounds round(s) of $seconds s, wrk (1 thread, $connections connections) pinned to" \
        "core 1, random existing keys (a new seed each run); median of the rounds. Every response checked (200, item present)."
    if [ $cold = 1 ]; then
        echo "The page cache was dropped before each restart (\`--cold\`): the first reads come from the disk."
    else
        echo "Warm: the page cache was not dropped (this machine has ${mem_gib} GiB of RAM, shared with whatever else runs);" \
            "\"in page cache\" is how much of the SST files it held just before the warm-up. RocksDB's own block cache" \
            "is a sixteenth of the machine's memory, 64 MiB to 1 GiB."
    fi
    echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after."
    echo
    echo "| items | preload | preload items/s | data dir | SST files | in page cache | GetItem ops/s | p50 ms | p99 ms | errors | ops/s ÷ $(num "$small")'s | p99 ÷ $(num "$small")'s |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in "${size_list[@]}"; do
        if [ "${status[$n]:-}" != ok ] && [ -z "${OPS[$n]:-}" ]; then
            echo "| $(num "$n") | ${status[$n]:-not run} | | | | | | | | | | |"; continue
        fi
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(num "$n")" "$(secs "${preload_ms[$n]}")" \
            "$(num "$(awk -v n="$n" -v ms="${preload_ms[$n]}" 'BEGIN { print n * 1000 / ms }')")" "$(gib "${data_bytes[$n]}")" \
            "${sst_files[$n]}" "${cached[$n]:--}" "$(num "${OPS[$n]}")" "$(lat "${P50[$n]}")" "$(lat "${P99[$n]}")" "${ERR[$n]}" \
            "$(ratio "${OPS[$n]}" "${OPS[$small]:-}")" "$(ratio "${P99[$n]}" "${P99[$small]:-}")"
    done
    echo
    for n in "${size_list[@]}"; do
        [ -n "${restart_ms[$n]:-}" ] && echo "- $(num "$n") items: settled ${settle_s[$n]} s (before + after the restart), restart (launch → first ListTables) ${restart_ms[$n]} ms."
        case "${status[$n]:-not run}" in ok) ;; *) echo "- $(num "$n") items: ${status[$n]:-not run}: not a result." ;; esac
    done
    echo
    if [ -n "$tput_ratio" ]; then
        echo "$(num "$big") items against $(num "$small"): throughput $(num "${OPS[$small]}") ÷ $(num "${OPS[$big]}") = ${tput_ratio}×" \
            "slower, p99 $(lat "${P99[$big]}") ÷ $(lat "${P99[$small]}") ms = ${p99_ratio}×; goal ≤ 1.3× each:" \
            "**$verdict**."
    elif [ "$small" = "$big" ]; then
        echo "Only one size: nothing to compare. **fail**."
    else
        echo "No comparison: the smallest and the largest size both need a clean result. **fail**."
    fi
} >"$work/report.md"
mkdir -p "$(dirname "$out")" && cp "$work/report.md" "$out"
cat "$out"
[ $verdict = pass ]
