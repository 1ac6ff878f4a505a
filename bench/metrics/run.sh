#!/usr/bin/env bash
# Metric engine benchmark: ingestion straight into the engine, ingestion over HTTP (SigV4-signed PutMetricData,
# JSON 1.0 and awsQuery) and the peers' GetMetricData query set, on gen.py's workload placed so it ends ~now.
#
# Usage: bench/metrics/run.sh [all|engine|http|query]
#   BENCH_DATA       where data, stores and logs go (default /tmp/vigil-bench)
#   BENCH_HOURS      slice of the workload (default 1 = 3.6 M datums; 24 = the peers' 86.4 M, ~17 GB of bodies)
#   BENCH_CONNS      HTTP connections for ingest (default 4)
#   BENCH_PROTOCOLS  ingest protocols (default "json query"); the query step uses the store of the last one
#   BENCH_RUNS       timed runs per query (median; default 3, after a warm-up of at least 3 calls and 5 s)
#   BENCH_PRELOAD_GB bodies are read into memory before the clock starts when they fit in this many GiB (default 8);
#                    a larger input is read by a client thread while it sends, which takes CPU from the server's
#                    two cores (24 h JSON needs 17 GiB: BENCH_PRELOAD_GB=18 on a 24 GiB machine)
# Prints each tool's result line, then a table row for bench/RESULTS.md (figures go there by hand).
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-all}
case $mode in all|engine|http|query) ;; *) echo "usage: $0 [all|engine|http|query]" >&2; exit 2 ;; esac
data=${BENCH_DATA:-/tmp/vigil-bench}
hours=${BENCH_HOURS:-1}
conns=${BENCH_CONNS:-4}
protocols=${BENCH_PROTOCOLS:-json query}
runs=${BENCH_RUNS:-3}
preload_gb=${BENCH_PRELOAD_GB:-8}
gen=${BENCH_GEN:-../shared/bench/gen.py}
key=AKIABENCH00000000001
secret=bench-secret
mkdir -p "$data"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

echo "building (Release)..." >&2
dotnet build bench/Vigil.Bench/Vigil.Bench.csproj -c Release -v quiet -nologo >/dev/null
dotnet build src/Vigil.Host -c Release -v quiet -nologo >/dev/null
bench=(dotnet bench/Vigil.Bench/bin/Release/net10.0/Vigil.Bench.dll)
vigil=src/Vigil.Host/bin/Release/net10.0/vigil.dll

# --- Data: the slice, placed so its last point is ~now (CloudWatch refuses datapoints over 2 weeks old). -------
input=$data/metrics-${hours}h.awsbatch
basefile=$input.base-ts
now=$(date +%s)
if [ ! -s "$input" ] || [ ! -s "$basefile" ] || [ $((now - $(cat "$basefile"))) -gt $((12 * 86400)) ]; then
    # Aligned to 5 minutes so both query periods see whole buckets.
    base=$(python3 -c "import time; print(int((time.time() - $hours * 3600) // 300 * 300))")
    echo "generating $input (${hours} h, base-ts $base)..." >&2
    python3 "$gen" metrics --format awsbatch --hours "$hours" --base-ts "$base" -o "$input.tmp"
    mv "$input.tmp" "$input"
    echo "$base" > "$basefile"
fi
base=$(cat "$basefile")
start_iso=$(date -u -d "@$base" +%Y-%m-%dT%H:%M:%SZ)

cat > "$data/credentials" <<CREDS
[bench]
aws_access_key_id = $key
aws_secret_access_key = $secret
account_id = 123456789012
user = bench
CREDS

server_pid=""
endpoint=""
start_server() { # [fresh]
    [ "${1:-}" = fresh ] && rm -rf "$data/server"
    dotnet "$vigil" serve --port 0 --data-dir "$data/server" --credentials "$data/credentials" > "$data/server.log" 2>&1 &
    server_pid=$!
    endpoint=""
    for _ in $(seq 1 600); do
        endpoint=$(grep -o 'listening on http://[^ ]*' "$data/server.log" | cut -d' ' -f3 || true)
        [ -n "$endpoint" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$endpoint" ] && return 0
    cat "$data/server.log" >&2
    stop_server
    return 1
}
stop_server() {
    [ -n "$server_pid" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
trap stop_server EXIT
server_rss() { awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$server_pid/status"; }
# User + system CPU seconds of the server so far (the "comm" field has no spaces: it is "dotnet").
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$server_pid/stat"; }

# Keeps the tool's output on screen and its JSON summary in $data/<name>.json.
# A tool that reports failures (non-2xx, wrong point counts) exits 1: the run goes on and this script exits 1 at the end.
status=0
run_tool() { # name, args...
    local name=$1; shift
    "${bench[@]}" "$@" | tee "$data/$name.out" || status=1
    grep '^{"command"' "$data/$name.out" > "$data/$name.json" || true
}

if [ "$mode" = all ] || [ "$mode" = engine ]; then
    rm -rf "$data/engine"
    run_tool engine ingest-engine --data "$data/engine" --input "$input" --writers 2
    rm -rf "$data/engine"
fi

if [ "$mode" = all ] || [ "$mode" = http ]; then
    for protocol in $protocols; do
        stop_server
        start_server fresh || exit 1
        cpu0=$(server_cpu)
        run_tool "http-$protocol" ingest-http --endpoint "$endpoint" --input "$input" --protocol "$protocol" --conns "$conns" \
            --preload-max-gb "$preload_gb" \
            --access-key "$key" --secret "$secret"
        rss=$(server_rss)
        cpu=$(awk -v a="$cpu0" -v b="$(server_cpu)" 'BEGIN {printf "%.1f", b - a}')
        echo "server during ingest-http ($protocol): ${cpu} s of CPU; after: RSS $((rss / 1048576)) MiB, data dir $(du -sh "$data/server" | cut -f1)"
        echo "{\"server_rss_bytes\": $rss}" > "$data/http-$protocol.server.json"
        [ "$mode" = all ] || stop_server
    done
fi

if [ "$mode" = all ] || [ "$mode" = query ]; then
    if [ -z "$server_pid" ]; then
        # Reuse the store of an earlier `run.sh http`; when there is none, or it does not open, ingest it afresh.
        if ! { [ -d "$data/server/metrics/wal" ] && start_server; }; then
            echo "no usable server store in $data/server: ingesting it first (json)" >&2
            start_server fresh || exit 1
            "${bench[@]}" ingest-http --endpoint "$endpoint" --input "$input" --protocol json --conns "$conns" --access-key "$key" --secret "$secret" | grep -v "^{\"command\""
        fi
    fi
    run_tool query query --endpoint "$endpoint" --access-key "$key" --secret "$secret" --start "$start_iso" --hours "$hours" --runs "$runs"
    rss=$(server_rss)
    echo "server after the query set: RSS $((rss / 1048576)) MiB"
fi
stop_server

# --- A table row for bench/RESULTS.md, from whatever summaries this and earlier runs left. ---------------------
python3 - "$data" "$hours" <<'PY'
import json, os, sys, datetime
data, hours = sys.argv[1], sys.argv[2]
def load(name):
    p = os.path.join(data, name + ".json")
    return json.load(open(p)) if os.path.exists(p) and os.path.getsize(p) else None
def rate(v): return "%.2f M" % (v / 1e6) if v >= 1e6 else "%.0f k" % (v / 1e3)
def mib(b): return "%.0f MiB" % (b / 1048576)
cells = [datetime.date.today().isoformat(), "%s h (%s datums)" % (hours, "{:,}".format(int(float(hours) * 3600000)))]
e = load("engine")
cells += [rate(e["datapoints_per_s"]) + "/s", "%.2f B" % e["bytes_per_datapoint"], mib(e["rss_after_ingest_bytes"])] if e else ["–"] * 3
for proto in ("json", "query"):
    h = load("http-" + proto)
    s = load("http-%s.server" % proto)
    cells.append("%s/s, p50 %.0f / p99 %.0f ms, %d non-2xx%s" % (rate(h["datapoints_per_s"]), h["p50_ms"], h["p99_ms"], h["non_2xx"],
                 ", server RSS " + mib(s["server_rss_bytes"]) if s else "") if h else "–")
q = load("query")
if q:
    for series, period in ((1, 60), (100, 60), (1, 300), (100, 300)):
        cs = [c for c in q["cases"] if c["series"] == series and c["period"] == period]
        cells.append(" / ".join("%.3f s%s" % (c["median_s"], "" if c["pages"] == 1 else " (%d pages)" % c["pages"]) for c in cs)
                     + ("" if all(c["counts_ok"] for c in cs) else " COUNT MISMATCH"))
else:
    cells += ["–"] * 4
print()
print("| date | slice | engine datapoints/s | bytes/datapoint | engine RSS | HTTP JSON 1.0 | HTTP awsQuery | q 1×60 s | q 100×60 s | q 1×300 s | q 100×300 s |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
print("| " + " | ".join(cells) + " |")
PY
exit $status
