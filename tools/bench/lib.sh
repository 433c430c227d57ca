# Shell functions shared by side-by-side.sh and scale.sh (sourced, not run). The caller sets:
#   bench  this directory (tools/bench), where the wrk scripts are
#   port   the port of the server under test, on 127.0.0.1
#   work   a scratch directory; wrk's output goes to $work/wrk.out

call() {  # call OPERATION JSON -> prints the body; fails unless HTTP 200
    curl -sf -m 5 -X POST "http://127.0.0.1:$port/" -H 'Content-Type: application/x-amz-json-1.0' \
        -H "X-Amz-Target: DynamoDB_20120810.$1" -H 'X-Amz-Date: 20260101T000000Z' \
        -H 'Authorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
        -d "$2"
}

# wait_ready PID -> succeeds once the server answers ListTables (polled every 10 ms, up to ~60 s); fails early
# when PID has exited.
wait_ready() {
    for _ in $(seq 3000); do
        call ListTables '{}' >/dev/null 2>&1 && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.01
    done
    return 1
}

# create_table CREATE_TABLE_JSON -> creates the table and waits until it is ACTIVE (up to ~10 s)
create_table() {
    local name
    name="$(sed -E 's/.*"TableName":"([^"]+)".*/\1/' <<<"$1")"
    call CreateTable "$1" >/dev/null || return 1
    for _ in $(seq 100); do
        call DescribeTable "{\"TableName\":\"$name\"}" | grep -q '"TableStatus":"ACTIVE"' && return 0
        sleep 0.1
    done
    return 1
}

# run_wrk SCRIPT SECONDS CONNECTIONS [env...] -> wrk (one thread, pinned to core 1) against the server; its
# output in $work/wrk.out; returns wrk's exit status. A request unanswered after $wrk_timeout s
# (default 10) counts as a socket error.
run_wrk() {
    local script="$1" secs="$2" conns="$3"; shift 3
    env "$@" taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --timeout "${wrk_timeout:-10}s" --latency -s "$bench/$script" \
        "http://127.0.0.1:$port/" >"$work/wrk.out" 2>&1
}

# parse_wrk -> "ops p50_ms p99_ms errors first_error" from $work/wrk.out (run_wrk's output). Socket errors and
# timeouts count as errors.
parse_wrk() {
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000;
                         if (v ~ /s$/) return v * 1000; return v }
        /^ +50% / { p50 = ms($2) } /^ +99% / { p99 = ms($2) } /^Requests\/sec:/ { ops = $2 }
        /Socket errors:/ { gsub(/,/, ""); sock = $4 + $6 + $8 + $10 }
        /^BENCH_ERRORS / { errs = $2; $1 = ""; $2 = ""; first = substr($0, 3) }
        END { if (ops == "") { ops = "nan"; errs = (errs == "" ? 1 : errs) }
              if (first == "" || first == "-") first = (sock > 0 ? "socket errors/timeouts" : "-")
              printf "%s %s %s %d %s\n", ops, (p50 == "" ? "nan" : p50), (p99 == "" ? "nan" : p99), errs + sock, first }
    ' "$work/wrk.out"
}

# preload_until_done CONNECTIONS MAX_SECONDS [env...] -> runs preload.lua (env: BENCH_PRELOAD, BENCH_KEYS, ...)
# until it has created its done file, then interrupts wrk; prints the elapsed milliseconds. wrk's output is in
# $work/wrk.out (check it with parse_wrk). Fails when wrk ended without the done file, i.e. before every batch was
# answered (wrk interrupted or killed). $preloader holds wrk's parent while it runs, for the caller's cleanup.
# A batch may wait up to 60 s (wrk_timeout): on a large table RocksDB can stall writes while compaction catches up.
preloader=""
preload_until_done() {
    local conns="$1" max="$2" start end wrk_timeout=60; shift 2
    rm -f "$work/preloaded"
    start=$(date +%s%N)
    run_wrk preload.lua "$max" "$conns" BENCH_DONE_FILE="$work/preloaded" "$@" &
    preloader=$!
    while kill -0 $preloader 2>/dev/null && [ ! -f "$work/preloaded" ]; do sleep 0.1; done
    end=$(date +%s%N)
    pkill -INT -P $preloader 2>/dev/null; kill -INT $preloader 2>/dev/null
    wait $preloader
    preloader=""
    echo $(( (end - start) / 1000000 ))
    [ -f "$work/preloaded" ]
}

# Number formatting for the reports: 12345.6 -> 12,346; latency in ms with 2 or 1 decimals; A ÷ B as 1.23×.
num() { awk -v v="$1" 'BEGIN { if (v == "" || v == "nan") { print "-"; exit } s = sprintf("%.0f", v); r = "";
    while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) } print s r }'; }
lat() { awk -v v="$1" 'BEGIN { if (v == "" || v == "nan") print "-"; else if (v < 10) printf "%.2f", v; else printf "%.1f", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2f×", a / b }'; }
