#!/usr/bin/env bash
# Runs the whole Countersign test suite on a fresh Debian 12 machine (as root or a sudo user).
# The very last line of output is always "N passed, N failed"; skipped tests count as failed,
# because a test that silently does not run proves nothing.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

export DOTNET_NOLOGO=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- system packages the tests need (real PostgreSQL, a browser, a real SMTP and DNS server) ---

missing=()
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    missing+=(postgresql)
fi
if [[ ! -x /usr/bin/chromium ]]; then
    missing+=(chromium)
fi
if ! /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
    missing+=(python3-aiosmtpd)
fi
# dnsmasq's executable alone: the package dnsmasq would also install a system service answering on port 53.
if [[ ! -x /usr/sbin/dnsmasq ]]; then
    missing+=(dnsmasq-base)
fi

if ((${#missing[@]} > 0)); then
    sudo_cmd=()
    if [[ "$(id -u)" -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo_cmd=(sudo)
        else
            echo "test.sh: need root or sudo to install: ${missing[*]}" >&2
            echo "0 passed, 1 failed"
            exit 1
        fi
    fi
    echo "test.sh: installing missing packages: ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- restore, build, test ----------------------------------------------------------------------

log="$(mktemp "${TMPDIR:-/tmp}/countersign-test.XXXXXX.log")"
echo "test.sh: full output is also in $log"

# Terminal logger off: it replaces the per-project "Passed!  - Failed: ..." lines parsed below.
status=0
{
    dotnet restore Countersign.slnx --tl:off &&
        dotnet build Countersign.slnx -c Release --no-restore --tl:off
} 2>&1 | tee "$log" || status=$?
if ((status != 0)); then
    echo "test.sh: restore/build failed (exit $status)"
    echo "0 passed, 1 failed"
    exit 1
fi

test_status=0
dotnet test Countersign.slnx -c Release --no-build --tl:off 2>&1 | tee -a "$log" || test_status=$?

# --- summary -----------------------------------------------------------------------------------

# Sums the VSTest per-project lines, e.g.
#   Passed!  - Failed:     0, Passed:    42, Skipped:     0, Total:    42, Duration: 3 s - X.dll (net10.0)
# and prints "passed failed skipped projects".
summarize() {
    sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1" | awk '
        /(Passed|Failed)!  *- *Failed: *[0-9]+, *Passed: *[0-9]+, *Skipped: *[0-9]+, *Total: *[0-9]+/ {
            line = $0
            sub(/.*Failed: */, "", line);  failed  += line + 0
            line = $0
            sub(/.*Passed: */, "", line);  passed  += line + 0
            line = $0
            sub(/.*Skipped: */, "", line); skipped += line + 0
            projects++
        }
        END { printf "%d %d %d %d\n", passed, failed, skipped, projects }'
}

read -r passed failed skipped projects < <(summarize "$log")

if ((projects == 0)); then
    echo "test.sh: no test summary line found in dotnet test output (exit $test_status)"
    echo "0 passed, 1 failed"
    exit 1
fi

if ((skipped > 0)); then
    echo "test.sh: NOTE: $skipped test(s) were skipped; skipped tests are counted as failed"
    failed=$((failed + skipped))
fi

# A crashed or aborted test host can leave dotnet test failing without a failing summary line.
if ((test_status != 0 && failed == 0)); then
    echo "test.sh: dotnet test exited with $test_status although no test failed; counting that as a failure"
    failed=1
fi

echo "$passed passed, $failed failed"
if ((failed == 0 && passed > 0)); then
    exit 0
fi
exit 1
