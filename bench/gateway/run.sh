#!/usr/bin/env bash
# Gateway benchmark: signed STS GetCallerIdentity over loopback keep-alive connections (wrk), through
# SigV4 verification, dispatch, the awsQuery codec and the durable audit record (group-committed WAL).
# Usage: bench/gateway/run.sh [connections=64] [seconds=10] [runs=5]
# Each configuration runs `runs` times against a fresh server (one run on this VM varies by ±10 %); prints every run
# and then the median. Figures go in bench/RESULTS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/../.."
conns=${1:-64}
secs=${2:-10}
runs=${3:-5}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

dotnet build src/Vigil.Host -c Release -v quiet -nologo >/dev/null
dll=src/Vigil.Host/bin/Release/net10.0/vigil.dll
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/credentials" <<CREDS
[bench]
aws_access_key_id = AKIABENCH00000000001
aws_secret_access_key = bench-secret
account_id = 123456789012
user = bench
CREDS

run() { # label, extra env
  local label=$1; shift
  rm -rf "$work/data"
  env "$@" dotnet "$dll" serve --port 0 --data-dir "$work/data" --credentials "$work/credentials" > "$work/server.log" 2>&1 &
  local pid=$!
  local endpoint=""
  for _ in $(seq 1 100); do
    endpoint=$(grep -o 'listening on http://[^ ]*' "$work/server.log" | cut -d' ' -f3 || true)
    [ -n "$endpoint" ] && break
    sleep 0.1
  done
  [ -n "$endpoint" ] || { cat "$work/server.log"; exit 1; }
  python3 bench/gateway/sign.py "${endpoint#http://}" AKIABENCH00000000001 bench-secret > "$work/signed.lua"
  # Warm up (JIT, tiered PGO), then measure. 10 s: after 3 s the JIT still took 7–10 % of the server's CPU (perf).
  wrk -t2 -c"$conns" -d10s -s "$work/signed.lua" "$endpoint/" > /dev/null
  wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/signed.lua" "$endpoint/" > "$work/wrk.txt"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $5}' "$work/wrk.txt")
  kill -TERM $pid; wait $pid || true
  local wal_bytes
  wal_bytes=$(du -sb "$work/data/audit/wal" | cut -f1)
  echo "$label: ${rps} req/s, p50 ${p50}, p99 ${p99}, non-2xx ${errors:-0}, audit WAL $((wal_bytes / 1024 / 1024)) MiB ($conns connections, ${secs}s)"
  echo "$rps" >> "$work/rates"
}

repeat() { # label, extra env: runs of `run`, then their median
  local label=$1
  rm -f "$work/rates"
  for i in $(seq 1 "$runs"); do run "$label, run $i/$runs" "${@:2}"; done
  echo "$label: median $(sort -n "$work/rates" | awk '{v[NR]=$1} END {print (NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}') req/s of $runs runs"
}

repeat "signed+audited (fsync)"
repeat "signed+audited (no fsync, for comparison)" VIGIL_FSYNC=false
