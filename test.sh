#!/usr/bin/env bash
# Builds Vigil and runs every test project, the compatibility suite included. That suite drives real AWS clients
# against an in-process server; this script makes sure they are installed first:
#   * Debian's awscli (2.9, CloudWatch over awsQuery) and python3-boto3 (1.26), when running as root;
#   * the AWS SDK for JavaScript v3 from tests/compat-js/package-lock.json (npm ci).
# The pyenv awscli 1.45 / boto3 1.43 come with the machine. A client that is still missing makes its tests report
# as skipped, with the reason. The last line printed is "N passed, N failed", summed over the test projects.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\n==> %s\n' "$*"; }
warn() { printf 'test.sh: warning: %s\n' "$*" >&2; }

# --- 1. Debian's AWS CLI v2 and boto3 -------------------------------------------------------------------------
debian_clients_present() {
    [ -x /usr/bin/aws ] && [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import boto3' >/dev/null 2>&1
}
if ! debian_clients_present; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "Installing Debian awscli and python3-boto3"
        if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q awscli python3-boto3; }; then
            warn "apt-get could not install awscli/python3-boto3; their compatibility tests will be skipped."
        fi
    else
        warn "/usr/bin/aws or Debian's boto3 is missing and this is not a root shell with apt-get; their compatibility tests will be skipped."
    fi
fi

# --- 2. The AWS SDK for JavaScript v3 ------------------------------------------------------------------------
js=tests/compat-js
if [ ! -f "$js/node_modules/.package-lock.json" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ] \
    || [ "$js/package.json" -nt "$js/node_modules/.package-lock.json" ]; then
    if command -v npm >/dev/null 2>&1; then
        log "npm ci in $js"
        (cd "$js" && npm ci --no-audit --no-fund) || warn "npm ci failed in $js; the JS SDK tests will try again, then report as skipped."
    else
        warn "npm is not installed; the JS SDK compatibility tests will be skipped."
    fi
fi

# --- 3. Build once, then run every test project --------------------------------------------------------------
log "dotnet build Vigil.slnx -c Release"
if ! dotnet build Vigil.slnx -c Release; then
    echo "test.sh: the build failed; no tests ran."
    echo "0 passed, 0 failed"
    exit 1
fi

log "dotnet format --verify-no-changes (STYLE.md §24)"
if ! dotnet format Vigil.slnx --verify-no-changes --no-restore; then
    echo "test.sh: code style differs from .editorconfig; run 'dotnet format Vigil.slnx' and commit the result."
    echo "0 passed, 1 failed"
    exit 1
fi

log "dotnet test Vigil.slnx -c Release --no-build"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
set +e
dotnet test Vigil.slnx -c Release --no-build 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e

# One line per test assembly, e.g.
#   Passed!  - Failed:     0, Passed:    41, Skipped:     2, Total:    43, Duration: 20 s - Vigil.Compat.Tests.dll (net10.0)
summary_lines() { sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -E '^\s*(Passed|Failed)!' || true; }
count() { summary_lines | awk -v k="$1" 'match($0, k ":[ \t]*[0-9]+") { s += substr($0, RSTART + length(k) + 1) } END { print s + 0 }'; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
assemblies=$(summary_lines | wc -l)

echo
echo "test.sh: $assemblies test assemblies, $skipped skipped"
if [ "$skipped" -gt 0 ]; then
    echo "test.sh: a compatibility test is skipped when its client is not installed; the reasons show with:"
    echo "         dotnet test tests/Vigil.Compat.Tests --logger 'console;verbosity=detailed' | grep -A2 Skipped"
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "test.sh: dotnet test exited with $status but reported no failed test (a test host crashed or an assembly did not run)."
fi
echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
    exit 1
fi
