#!/usr/bin/env bash
# What a phone downloads and waits for when it first opens Countersign's pages (issue 14): bytes on the wire by kind,
# the campaign page's 100 KB budget, and Lighthouse-style timings in Chromium throttled like Lighthouse's mobile preset,
# beside a baseline page loaded under the same conditions in the same run. See bench/README.md.
#
#   bench/page-weight.sh [--runs N] [--requests] [--strict] [--keep]
#
# Everything runs on this machine: the server listens on 127.0.0.1 only, Chromium is Debian's (/usr/bin/chromium,
# never downloaded), and the temporary data folder is removed at the end.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
script="$repo_root/bench/page-weight.sh"
cd "$repo_root"

runs=3
strict=false
requests=false
keep=0
slug="no-surveillance-sponsors-at-eccv"

usage() {
    sed -n '2,9p' "$script" | sed 's/^# \{0,1\}//'
    cat <<'EOF_USAGE'

  --runs N   loads of each page; the figures are their medians (default 3, at most 20)
  --requests list each request of each page's fullest load: kind, bytes, encoding, address
  --strict   exit 3 when the campaign page misses its budget (default: report only)
  --keep     keep the temporary folder (server log) and print its path
EOF_USAGE
}

while (($# > 0)); do
    case "$1" in
        --runs) runs="${2:?--runs needs a number}"; shift ;;
        --requests) requests=true ;;
        --strict) strict=true ;;
        --keep) keep=1 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "page-weight.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
    esac
    shift
done
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]] || ((runs > 20)); then
    echo "page-weight.sh: --runs needs a whole number from 1 to 20" >&2
    exit 64
fi

export DOTNET_NOLOGO=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[page-weight %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- Debian's Chromium --------------------------------------------------------------------------

command -v dotnet >/dev/null 2>&1 || { echo "page-weight.sh: the .NET 10 SDK (dotnet) is required; see README.md" >&2; exit 1; }
if [[ ! -x /usr/bin/chromium ]]; then
    sudo_cmd=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || { echo "page-weight.sh: need root or sudo to install chromium" >&2; exit 1; }
        sudo_cmd=(sudo)
    fi
    log "installing chromium"
    "${sudo_cmd[@]}" apt-get update
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi

# --- temporary folder and cleanup ---------------------------------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/countersign-page-weight.XXXXXX")"
server_pid=""

# shellcheck source=bench/server.sh
source "$repo_root/bench/server.sh"

cleanup() {
    stop_server
    if ((keep)); then
        echo "page-weight.sh: kept $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build, when a source is newer than the build ------------------------------------------------

app_dll="$repo_root/src/Countersign/bin/Release/net10.0/countersign.dll"
helper_dll="$repo_root/bench/Countersign.Bench/bin/Release/net10.0/countersign-bench.dll"
stale() {
    [[ ! -f "$1" ]] && return 0
    [[ -n "$(find "${@:2}" -newer "$1" -type f -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]]
}
if stale "$app_dll" src/Countersign package-lock.json Directory.Packages.props \
    || stale "$helper_dll" bench/Countersign.Bench src/Countersign; then
    log "building Countersign and the bench helper (Release)"
    if ! dotnet build bench/Countersign.Bench -c Release --tl:off -nologo -v q >"$work/build.log" 2>&1; then
        tail -n 40 "$work/build.log"
        echo "page-weight.sh: the build failed" >&2
        exit 1
    fi
fi

# --- the server: the demo data on a fresh SQLite database, on a loopback port ---------------------

port=""
for _ in $(seq 1 100); do
    candidate=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
        port="$candidate"
        break
    fi
done
[[ -n "$port" ]] || { echo "page-weight.sh: found no free loopback port" >&2; exit 1; }
base="http://127.0.0.1:$port"

export Data__Folder="$work/data"
export Site__PublicUrl="$base"
export Privacy__EncryptionKey="$(head -c 32 /dev/urandom | base64)"
export Privacy__HashingKey="$(head -c 32 /dev/urandom | base64)"
export Logging__LogLevel__Default=Warning
export Email__SendingPaused=true
mkdir -p "$Data__Folder"

log "starting countersign serve --demo on $base"
(cd "$work" && exec dotnet "$app_dll" serve --demo --urls "$base") >>"$work/server.log" 2>&1 &
server_pid=$!
if ! dotnet "$helper_dll" wait --url "$base/c/$slug" --pid "$server_pid" --seconds 180; then
    tail -n 40 "$work/server.log" >&2
    exit 1
fi

# --- the measurements ----------------------------------------------------------------------------

log "loading each page $runs time(s) in Chromium, throttled"
status=0
dotnet "$helper_dll" page-weight --base "$base" --runs "$runs" --strict "$strict" --requests "$requests" \
    --baseline "/c/$slug/embed" \
    --pages "/,/c/$slug,/c/$slug/figures" \
    --budget-page "/c/$slug" || status=$?
echo
echo "Command: bench/page-weight.sh${*:+ $*} on $(nproc) cores ($(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), .NET $(dotnet --version)"
exit "$status"
