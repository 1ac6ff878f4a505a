#!/usr/bin/env bash
# Log engine benchmark on gen.py's log workload (10 M ~200-byte lines over 24 h, 8 groups x 2 streams), placed so it
# ends ~now (PutLogEvents refuses events older than 14 days):
#   engine  ingestion straight into the LogStore (fsync), then seal, bytes on disk per line, phrase queries
#   http    ingestion through SigV4-signed PutLogEvents over loopback HTTP
#
# Usage: bench/logs/run.sh [all|engine|http]
#   BENCH_DATA   where data, stores and logs go (default /tmp/vigil-logbench)
#   BENCH_LINES  lines of the workload (default 10000000, the peers' figure)
#   BENCH_CONNS  HTTP connections for ingest (default 8)
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-all}
case $mode in all|engine|http|insights) ;; *) echo "usage: $0 [all|engine|http|insights]" >&2; exit 2 ;; esac
data=${BENCH_DATA:-/tmp/vigil-logbench}
lines=${BENCH_LINES:-10000000}
conns=${BENCH_CONNS:-8}
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

input=$data/logs-$lines.awsbatch
basefile=$input.base-ts
now=$(date +%s)
if [ ! -s "$input" ] || [ ! -s "$basefile" ] || [ $((now - $(cat "$basefile"))) -gt $((12 * 86400)) ]; then
    base=$((now - 24 * 3600))
    echo "generating $input ($lines lines, base-ts $base)..." >&2
    python3 "$gen" logs --format awsbatch --lines "$lines" --base-ts "$base" -o "$input.tmp"
    mv "$input.tmp" "$input"
    echo "$base" > "$basefile"
fi

if [ "$mode" = all ] || [ "$mode" = engine ]; then
    rm -rf "$data/engine"
    "${bench[@]}" logs-ingest-engine --data "$data/engine" --input "$input" --writers 8
    "${bench[@]}" logs-query-engine --data "$data/engine" --runs 5
fi

# Starts `vigil serve` on data directory $1 with the bench credentials; sets $endpoint and $server_pid.
start_server() {
    cat > "$data/credentials" <<CREDS
[bench]
aws_access_key_id = $key
aws_secret_access_key = $secret
account_id = 123456789012
user = bench
CREDS
    dotnet "$vigil" serve --port 0 --data-dir "$1" --credentials "$data/credentials" > "$data/server.log" 2>&1 &
    server_pid=$!
    trap 'kill -TERM $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT
    endpoint=""
    for _ in $(seq 1 600); do
        endpoint=$(grep -o 'listening on http://[^ ]*' "$data/server.log" | cut -d' ' -f3 || true)
        [ -n "$endpoint" ] && break
        sleep 0.1
    done
    [ -n "$endpoint" ] || { cat "$data/server.log" >&2; exit 1; }
}

if [ "$mode" = all ] || [ "$mode" = http ]; then
    rm -rf "$data/server"
    start_server "$data/server"
    "${bench[@]}" ingest-http --endpoint "$endpoint" --input "$input" --protocol logs --conns "$conns" --access-key "$key" --secret "$secret"
    "${bench[@]}" logs-query-http --endpoint "$endpoint" --access-key "$key" --secret "$secret" --runs 5
    echo "server after ingest and queries: RSS $(awk '/^VmRSS:/ {print int($2 / 1024)}' /proc/$server_pid/status) MiB, data dir $(du -sh "$data/server" | cut -f1)"
fi

# Logs Insights (issue 5) over the engine run's sealed store: each query in-process in a fresh process (the path
# StartQuery takes), then all four through StartQuery/GetQueryResults against `vigil serve` on a copy of the store.
if [ "$mode" = insights ]; then
    [ -d "$data/engine/logs" ] || { echo "run '$0 engine' first: it ingests and seals the store this reads" >&2; exit 1; }
    rm -rf "$data/insights" && mkdir -p "$data/insights" && cp -r "$data/engine/logs" "$data/insights/"
    for q in "count ERROR" "newest 100" "count by level" "p99"; do
        "${bench[@]}" logs-insights --data "$data/insights" --runs 5 --only "$q"
    done
    start_server "$data/insights"
    "${bench[@]}" logs-insights-http --endpoint "$endpoint" --access-key "$key" --secret "$secret" --runs 5
    echo "server after the queries: RSS $(awk '/^VmRSS:/ {print int($2 / 1024)}' /proc/$server_pid/status) MiB"
fi
