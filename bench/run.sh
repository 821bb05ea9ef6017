#!/usr/bin/env bash
# Countersign's benchmark: signing and confirming under load, on SQLite and PostgreSQL, against the
# ceiling of a bare Kestrel endpoint, with correctness checks afterwards. See bench/README.md.
#
#   bench/run.sh [--quick] [--sqlite-only] [--duration S] [--connections N] [--threads N]
#                [--quiet-wait S] [--strict] [--keep]
#
# Everything runs on this machine: servers listen on 127.0.0.1 only, every load is bounded in time,
# and the temporary data folders (and the throwaway PostgreSQL cluster) are removed at the end.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_dir="$repo_root/bench"
script="$bench_dir/run.sh"
cd "$repo_root"

duration=30
connections=64
threads=2
page_duration=10
page_connections=4
warmup=3
sqlite_only=0
durability_rounds=20
strict=0
keep=0
profile=0
quiet_budget=120
slug="drop-the-face-recognition-stake"
proofs_per_second=8000 # solved proofs of work fetched per second of signing load
command_line="bench/run.sh${*:+ $*}"

usage() {
    sed -n '2,9p' "$script" | sed 's/^# \{0,1\}//'
    cat <<'EOF'

  --quick          5 s load phases and 3 s page measurements (a smoke run; figures are rougher)
  --sqlite-only    skip the PostgreSQL phases
  --durability N   rounds of the kill -9 durability test (default 20; 0 skips it)
  --duration S     seconds per load phase (default 30)
  --connections N  wrk connections for signing and confirming (default 64)
  --threads N      wrk threads (default 2)
  --quiet-wait S   before each phase, wait while the CPU is busy (another build or test run), at most
                   S seconds over the whole run (default 120; 0 never waits)
  --strict         exit 3 when a target of bench/README.md is missed (default: report only)
  --keep           keep the temporary folder (server logs, wrk output, results) and print its path
  --profile        record where the server's CPU goes during each signing phase (dotnet-trace, a
                   local tool of the repository) and print the breakdown after the report
EOF
}

while (($# > 0)); do
    case "$1" in
        --quick) duration=5; page_duration=3; warmup=1 ;;
        --sqlite-only) sqlite_only=1 ;;
        --durability) durability_rounds="${2:?--durability needs a number of rounds}"; shift ;;
        --duration) duration="${2:?--duration needs seconds}"; shift ;;
        --connections) connections="${2:?--connections needs a number}"; shift ;;
        --threads) threads="${2:?--threads needs a number}"; shift ;;
        --quiet-wait) quiet_budget="${2:?--quiet-wait needs seconds}"; shift ;;
        --strict) strict=1 ;;
        --keep) keep=1 ;;
        --profile) profile=1 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
    esac
    shift
done

if ! [[ "$quiet_budget" =~ ^[0-9]+$ ]]; then
    echo "run.sh: --quiet-wait needs a whole number of seconds" >&2
    exit 64
fi
for number in "$duration" "$connections" "$threads"; do
    if ! [[ "$number" =~ ^[1-9][0-9]*$ ]]; then
        echo "run.sh: '$number' is not a positive whole number" >&2
        exit 64
    fi
done
if ((duration > 300)); then
    echo "run.sh: --duration is capped at 300 s so the whole run stays bounded" >&2
    exit 64
fi

export DOTNET_NOLOGO=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\n[bench %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# --- system packages: wrk, and PostgreSQL unless --sqlite-only ---------------------------------

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if ((!sqlite_only)) && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    missing+=(postgresql)
fi
if ((${#missing[@]} > 0)); then
    sudo_cmd=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || { echo "run.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
        sudo_cmd=(sudo)
    fi
    log "installing missing packages: ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
command -v dotnet >/dev/null 2>&1 || { echo "run.sh: the .NET 10 SDK (dotnet) is required; see README.md" >&2; exit 1; }
if ((profile)); then
    command -v python3 >/dev/null 2>&1 || { echo "run.sh: --profile needs python3 (apt-get install python3)" >&2; exit 1; }
    dotnet tool restore >/dev/null || { echo "run.sh: dotnet tool restore failed (dotnet-trace)" >&2; exit 1; }
fi

# --- temporary folder and cleanup ---------------------------------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/countersign-bench.XXXXXX")"
results="$work/results.txt"
server_pid=""
pg_root=""
pg_bin=""
as_pg=()

# shellcheck source=bench/server.sh
source "$repo_root/bench/server.sh"

stop_postgres() {
    if [[ -n "$pg_root" ]]; then
        if [[ -f "$pg_root/data/postmaster.pid" ]]; then
            (cd "$pg_root" && "${as_pg[@]}" "$pg_bin/pg_ctl" stop -m fast -w -t 60 -D "$pg_root/data" >/dev/null 2>&1) || true
        fi
        if ((keep)) && [[ -f "$pg_root/postgres.log" ]]; then
            cp "$pg_root/postgres.log" "$work/postgres.log" || true
        fi
        rm -rf "$pg_root"
        pg_root=""
    fi
}

cleanup() {
    stop_server
    stop_postgres
    if ((keep)); then
        echo "run.sh: kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build ----------------------------------------------------------------------------------------

log "building Countersign, the bench helper and the bare Kestrel endpoint (Release)"
for project in src/Countersign bench/Countersign.Bench bench/BareKestrel; do
    if ! dotnet build "$project" -c Release --tl:off -nologo -v q >"$work/build.log" 2>&1; then
        tail -n 40 "$work/build.log"
        echo "run.sh: building $project failed" >&2
        exit 1
    fi
done
app_dll="$repo_root/src/Countersign/bin/Release/net10.0/countersign.dll"
bare_dll="$repo_root/bench/BareKestrel/bin/Release/net10.0/bare-kestrel.dll"
helper=(dotnet "$repo_root/bench/Countersign.Bench/bin/Release/net10.0/countersign-bench.dll")

# --- the run's settings -----------------------------------------------------------------------------

run_id="$(date +%s)"
export Privacy__EncryptionKey="$(head -c 32 /dev/urandom | base64)"
export Privacy__HashingKey="$(head -c 32 /dev/urandom | base64)"
export Logging__LogLevel__Default=Warning
# Asks the email worker not to send during the bench (a setting the app may not have yet: harmless).
# The outbox table, not the sending, is what the checks look at.
export Email__SendingPaused=true
# Bench-only relaxation: proof-of-work challenges 1,000 times easier than the default, so the helper
# can solve one per request beforehand. The server's check costs the same at any difficulty.
export ProofOfWork__MaxNumber=100

pg_version="no PostgreSQL"
if ((!sqlite_only)); then
    pg_bin="$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1)"
    pg_version="$("$pg_bin/postgres" --version)"
fi
{
    echo "meta.date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "meta.nproc=$(nproc)"
    echo "meta.cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "meta.memory=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "meta.os=$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "meta.dotnet=$(dotnet --version)"
    echo "meta.wrk=$(wrk -v 2>&1 | head -n 1 | awk '{ print $1, $2 }')"
    echo "meta.postgres=$pg_version"
    echo "meta.command=$command_line"
    echo "meta.relaxed=proof-of-work challenges at ProofOfWork__MaxNumber=$ProofOfWork__MaxNumber (default 100,000), so the helper can solve one for every request beforehand; every request still carries its own solution, checked and spent by the server. No other protection is relaxed: the rate limits run at their defaults, and each simulated signer comes from an address of their own (X-Forwarded-For through loopback, as behind a reverse proxy) with an address at a common mail service."
    echo "meta.duration=$duration"
    echo "meta.connections=$connections"
    echo "meta.threads=$threads"
    echo "meta.page_connections=$page_connections"
    echo "meta.page_duration=$page_duration"
} >>"$results"

# --- helpers ----------------------------------------------------------------------------------------

free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "run.sh: found no free loopback port" >&2
    return 1
}

# start_server LABEL WAIT_PATH COMMAND...: starts a server in the background, from $server_dir (its
# content root: the project folder, as with dotnet run), and waits until WAIT_PATH answers.
start_server() {
    local label="$1" wait_path="$2"
    shift 2
    (cd "$server_dir" && exec "$@") >>"$work/$label-server.log" 2>&1 &
    server_pid=$!
    if ! "${helper[@]}" wait --url "http://127.0.0.1:$port$wait_path" --pid "$server_pid" --seconds 180; then
        tail -n 40 "$work/$label-server.log" >&2
        exit 1
    fi
}

peak_rss_mb() {
    awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"
}

# CPU accounting around each wrk run, so a reader can see what else used the cores meanwhile:
# the machine's busy and stolen time (/proc/stat), the server's (/proc/PID/stat), PostgreSQL's, and
# wrk's (bash's times builtin, for waited-for children, run in this shell rather than a subshell).
# "Other" is what is left: processes that are not part of the bench.
clock_ticks="$(getconf CLK_TCK)"
cpu_machine() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9 }' /proc/stat; }
cpu_server() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$server_pid/stat"; }
cpu_database() { # PostgreSQL's postmaster, its backends, and the backends that have exited
    local pm
    if [[ -z "$pg_root" || ! -f "$pg_root/data/postmaster.pid" ]]; then
        echo 0
        return
    fi
    pm="$(head -n 1 "$pg_root/data/postmaster.pid")"
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" '{
        pid = $1; rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " ")
        if (pid == pm) total += f[12] + f[13] + f[14] + f[15]; else if (f[2] == pm) total += f[12] + f[13]
    } END { print total + 0 }'
}
cpu_children() { # sets children_s; must not run in a subshell
    times >"$work/times"
    children_s="$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, "m"); sub(/s$/, "", t[2]); total += t[1] * 60 + t[2] } print total }' "$work/times")"
}

# On a shared machine (another build or test suite running), waits a little for the cores to be
# free before a measured phase: at most $quiet_budget seconds over the whole run. The CPU columns
# of the report show what other processes took anyway.
wait_for_quiet() {
    local busy waited=0
    while ((quiet_budget > 0)); do
        busy="$(
            read -r _ u1 n1 s1 i1 w1 q1 sq1 _ </proc/stat
            sleep 1
            read -r _ u2 n2 s2 i2 w2 q2 sq2 _ </proc/stat
            echo $(((u2 + n2 + s2 + q2 + sq2 - u1 - n1 - s1 - q1 - sq1) * 100 / ((u2 + n2 + s2 + q2 + sq2 + i2 + w2) - (u1 + n1 + s1 + q1 + sq1 + i1 + w1) + 1)))
        )"
        quiet_budget=$((quiet_budget - 1))
        if ((busy < 15)); then
            break
        fi
        if ((waited == 0)); then
            echo "    (the CPU is ${busy}% busy before the phase starts: other processes, or the server still at work; waiting up to ${quiet_budget} s)"
        fi
        waited=$((waited + 1))
    done
}

# run_wrk PHASE URL CONNECTIONS SECONDS MODE ARGS...: one bounded wrk run; its figures go to the results.
run_wrk() {
    local phase="$1" url="$2" conns="$3" seconds="$4"
    shift 4
    wait_for_quiet
    local wrk_threads=$((threads < conns ? threads : conns))
    local status=0 machine_before server_before database_before children_before started
    machine_before="$(cpu_machine)"
    server_before="$(cpu_server)"
    database_before="$(cpu_database)"
    cpu_children
    children_before="$children_s"
    started="$(date +%s.%N)"
    timeout $((seconds + 60)) wrk -t"$wrk_threads" -c"$conns" -d"${seconds}s" --timeout 10s --latency \
        -s "$bench_dir/wrk/bench.lua" "$url" -- "$@" >"$work/$phase.out" 2>&1 || status=$?
    cpu_children
    awk -v phase="$phase" -v t0="$started" -v t1="$(date +%s.%N)" -v cores="$(nproc)" -v hz="$clock_ticks" \
        -v m0="$machine_before" -v m1="$(cpu_machine)" -v s0="$server_before" -v s1="$(cpu_server)" \
        -v d0="$database_before" -v d1="$(cpu_database)" -v c0="$children_before" -v c1="$children_s" 'BEGIN {
            split(m0, a, " "); split(m1, b, " ")
            capacity = (t1 - t0) * cores
            busy = (b[1] - a[1]) / hz; steal = (b[2] - a[2]) / hz
            server = (s1 - s0) / hz; database = (d1 - d0) / hz; load = c1 - c0
            other = busy - server - database - load; if (other < 0) other = 0
            idle = capacity - busy - steal; if (idle < 0) idle = 0
            printf "%s.cpu_server_pct=%.0f\n%s.cpu_db_pct=%.0f\n%s.cpu_wrk_pct=%.0f\n%s.cpu_other_pct=%.0f\n%s.cpu_steal_pct=%.0f\n%s.cpu_idle_pct=%.0f\n",
                phase, 100 * server / capacity, phase, 100 * database / capacity, phase, 100 * load / capacity,
                phase, 100 * other / capacity, phase, 100 * steal / capacity, phase, 100 * idle / capacity
        }' >>"$results"
    grep -v '^BENCH ' "$work/$phase.out" | sed 's/^/    /' || true
    if ((status != 0)); then
        echo "run.sh: wrk failed for $phase (exit $status)" >&2
        exit 1
    fi
    { grep '^BENCH ' "$work/$phase.out" || true; } | sed 's/^BENCH //' >"$work/$phase.wrk"
    sed "s/^/$phase./" "$work/$phase.wrk" >>"$results"
}

# --profile: a sampled trace of the server's threads over the middle of the signing phase (the
# tracer costs some CPU itself, so the figures of a profiled run are a little lower).
profile_pid=""
start_profile() {
    ((profile)) || return 0
    local seconds=$((duration > 10 ? duration - 6 : duration))
    (sleep 2 && exec dotnet tool run dotnet-trace collect -p "$server_pid" --profile dotnet-sampled-thread-time \
        --duration "00:00:00:$(printf '%02d' "$seconds")" -o "$work/$1.nettrace") >"$work/$1.trace.log" 2>&1 &
    profile_pid=$!
}
finish_profile() {
    ((profile)) || return 0
    wait "$profile_pid" || { cat "$work/$1.trace.log" >&2; echo "run.sh: dotnet-trace failed" >&2; exit 1; }
    dotnet tool run dotnet-trace convert --format Speedscope -o "$work/$1" "$work/$1.nettrace" >>"$work/$1.trace.log" 2>&1
    python3 "$repo_root/bench/profile-report.py" "$work/$1.speedscope.json" 25 >"$work/$1.profile.txt"
}

snapshot_field() { sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p" "$1"; }

checks_failed=0

measure_pages() {
    local label="$1" page_key="$2" json_key="$3" pulse_key="$4"
    "${helper[@]}" snapshot --slug "$slug" --out "$work/$label-$page_key.snapshot.json"
    local signatures
    signatures="$(snapshot_field "$work/$label-$page_key.snapshot.json" Confirmed)"
    # A freshly started server (the 1M measurement restarts it) is still compiling its hot paths:
    # warm both addresses up first, so the figures are of the steady state.
    log "$label: warming up the campaign page and its JSON for ${warmup} s each"
    run_wrk "$label.$page_key.warmup" "http://127.0.0.1:$port/c/$slug" "$page_connections" "$warmup" get >/dev/null
    run_wrk "$label.$json_key.warmup" "http://127.0.0.1:$port/c/$slug.json" "$page_connections" "$warmup" get >/dev/null
    log "$label: campaign page GET /c/$slug, $page_connections connections, ${page_duration} s"
    run_wrk "$label.$page_key" "http://127.0.0.1:$port/c/$slug" "$page_connections" "$page_duration" get
    log "$label: campaign JSON GET /c/$slug.json, $page_connections connections, ${page_duration} s"
    run_wrk "$label.$json_key" "http://127.0.0.1:$port/c/$slug.json" "$page_connections" "$page_duration" get
    # What every open campaign page asks for every half minute (pulse.js): the count and the latest signers.
    log "$label: campaign pulse GET /c/$slug/pulse, $page_connections connections, ${page_duration} s"
    run_wrk "$label.$pulse_key" "http://127.0.0.1:$port/c/$slug/pulse" "$page_connections" "$page_duration" get
    echo "$label.$page_key.signatures=$signatures" >>"$results"
    echo "$label.$json_key.signatures=$signatures" >>"$results"
    echo "$label.$pulse_key.signatures=$signatures" >>"$results"
}

# run_app LABEL: start Countersign with demo data, then sign, confirm and read pages under load.
run_app() {
    local label="$1" base
    export Data__Folder="$work/$label-data"
    mkdir -p "$Data__Folder"
    port="$(free_port)"
    base="http://127.0.0.1:$port"
    export Site__PublicUrl="$base"

    log "$label: starting Countersign with the demo campaigns on $base"
    server_dir="$repo_root/src/Countersign"
    start_server "$label" "/c/$slug" dotnet "$app_dll" serve --demo --urls "$base"
    "${helper[@]}" pool --base "$base" --slug "$slug" --count "$connections" --out "$work/$label.pool" --hosts-out "$work/$label.hosts"

    # A solved proof of work per request, more than the server has ever taken in the time given.
    log "$label: fetching and solving proof-of-work challenges for the warm-up and the signing phase"
    "${helper[@]}" proofs --base "$base" --slug "$slug" --count $((warmup * proofs_per_second)) --out "$work/$label.warmup-proofs"
    "${helper[@]}" proofs --base "$base" --slug "$slug" --count $(((duration + 5) * proofs_per_second)) --out "$work/$label.proofs"

    log "$label: warming up the signing endpoint for ${warmup} s"
    run_wrk "$label.warmup" "$base/c/$slug" "$connections" "$warmup" sign "$work/$label.pool" "$work/$label.hosts" "w$run_id" "$work/$label.warmup-proofs" "$threads" >/dev/null

    "${helper[@]}" snapshot --slug "$slug" --out "$work/$label-before-sign.json"
    log "$label: signing, POST /c/$slug, $connections connections, ${duration} s, a new address per request"
    start_profile "$label"
    run_wrk "$label.sign" "$base/c/$slug" "$connections" "$duration" sign "$work/$label.pool" "$work/$label.hosts" "$run_id" "$work/$label.proofs" "$threads"
    finish_profile "$label"
    sleep 2 # let the requests wrk abandoned when it stopped finish on the server
    log "$label: checking the signatures, the outbox and the counters"
    if ! "${helper[@]}" check-sign --slug "$slug" --before "$work/$label-before-sign.json" --run "$run_id" \
        --wrk "$work/$label.sign.wrk" --results "$results" --prefix "$label"; then
        checks_failed=1
    fi

    log "$label: warming up the confirming endpoint for ${warmup} s"
    "${helper[@]}" confirm-paths --slug "$slug" --out "$work/$label.warmup-paths"
    run_wrk "$label.confirm-warmup" "$base" "$connections" "$warmup" confirm "$work/$label.pool" "$work/$label.warmup-paths" "$threads" >/dev/null
    sleep 1
    "${helper[@]}" confirm-paths --slug "$slug" --out "$work/$label.paths" # the links still pending
    "${helper[@]}" snapshot --slug "$slug" --out "$work/$label-before-confirm.json"
    log "$label: confirming, POST /confirm/{token}, $connections connections, up to ${duration} s, each link once"
    run_wrk "$label.confirm" "$base" "$connections" "$duration" confirm "$work/$label.pool" "$work/$label.paths" "$threads"
    sleep 2
    log "$label: checking the confirmations and the counters"
    if ! "${helper[@]}" check-confirm --slug "$slug" --before "$work/$label-before-confirm.json" \
        --wrk "$work/$label.confirm.wrk" --results "$results" --prefix "$label"; then
        checks_failed=1
    fi

    measure_pages "$label" page json pulse
    echo "$label.rss_mb=$(peak_rss_mb)" >>"$results"
    stop_server
}

# --- SQLite ----------------------------------------------------------------------------------------

export Database__Provider=Sqlite
unset Database__ConnectionString
run_app sqlite

# The campaign page with a million confirmed signatures, when the app has a command to load them.
if dotnet "$app_dll" demo-load --help 2>&1 | grep -q 'countersign demo-load'; then
    log "sqlite: loading 1,000,000 confirmed signatures with countersign demo-load"
    export Data__Folder="$work/sqlite-data"
    started=$SECONDS
    if timeout 1200 dotnet "$app_dll" demo-load --campaign "$slug" --signatures 1000000 >"$work/demo-load.log" 2>&1; then
        echo "sqlite.million=loaded with demo-load in $((SECONDS - started)) s" >>"$results"
        port="$(free_port)"
        export Site__PublicUrl="http://127.0.0.1:$port"
        server_dir="$repo_root/src/Countersign"
        start_server sqlite-1m "/c/$slug" dotnet "$app_dll" serve --urls "http://127.0.0.1:$port"
        measure_pages sqlite page1m json1m pulse1m
        echo "sqlite.rss1m_mb=$(peak_rss_mb)" >>"$results"
        stop_server
    else
        tail -n 20 "$work/demo-load.log"
        echo "sqlite.million=FAILED: countersign demo-load exited with an error (see its output above)" >>"$results"
    fi
else
    log "sqlite: the 1M-signature page measurement is skipped: this build has no 'countersign demo-load' command"
    echo "sqlite.million=skipped: this build of Countersign has no demo-load command" >>"$results"
fi

# --- the bare Kestrel ceiling ------------------------------------------------------------------------

port="$(free_port)"
log "bare Kestrel: the same form, read and answered 200, on http://127.0.0.1:$port"
server_dir="$repo_root/bench/BareKestrel"
start_server bare "/" dotnet "$bare_dll" --urls "http://127.0.0.1:$port"
run_wrk bare.warmup "http://127.0.0.1:$port/c/$slug" "$connections" "$warmup" sign "$work/sqlite.pool" "$work/sqlite.hosts" "bare" "$work/sqlite.proofs" "$threads" reuse >/dev/null
log "bare Kestrel: POST /c/$slug, $connections connections, ${duration} s"
run_wrk bare.sign "http://127.0.0.1:$port/c/$slug" "$connections" "$duration" sign "$work/sqlite.pool" "$work/sqlite.hosts" "bare" "$work/sqlite.proofs" "$threads" reuse
echo "bare.rss_mb=$(peak_rss_mb)" >>"$results"
stop_server

# --- PostgreSQL ------------------------------------------------------------------------------------

if ((!sqlite_only)); then
    pg_root="$(mktemp -d "${TMPDIR:-/tmp}/countersign-bench-pg.XXXXXX")"
    if [[ "$(id -u)" -eq 0 ]]; then
        # initdb and postgres refuse to run as root: the cluster belongs to Debian's postgres account.
        chown postgres: "$pg_root"
        as_pg=(runuser -u postgres --)
    fi
    log "postgres: a throwaway cluster in $pg_root ($pg_version)"
    initialised=0
    for locale in C.UTF-8 C; do
        if (cd "$pg_root" && "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_root/data" -A trust -U postgres -E UTF8 --locale="$locale") >"$work/initdb.log" 2>&1; then
            initialised=1
            break
        fi
        rm -rf "$pg_root/data"
    done
    if ((!initialised)); then
        cat "$work/initdb.log" >&2
        exit 1
    fi
    pg_port="$(free_port)"
    (cd "$pg_root" && "${as_pg[@]}" "$pg_bin/pg_ctl" start -w -t 60 -D "$pg_root/data" -l "$pg_root/postgres.log" \
        -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories='$pg_root' -c synchronous_commit=on -c max_connections=200") >/dev/null
    (cd "$pg_root" && "${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres countersign)

    export Database__Provider=Postgres
    export Database__ConnectionString="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=countersign"
    export Data__Folder="$work/postgres-data"
    dotnet "$app_dll" migrate
    run_app postgres
    stop_postgres
fi

# --- durability ------------------------------------------------------------------------------------

# The suite's kill -9 test (server as a process, a flood of signatures and confirmations, SIGKILL,
# restart, every acknowledged request checked) with more rounds than the suite's five.
if ((durability_rounds > 0)); then
    log "durability: $durability_rounds rounds of kill -9 during a signing flood (tests/Countersign.Tests, DurabilityTests)"
    if env -u Database__Provider -u Database__ConnectionString -u Data__Folder COUNTERSIGN_DURABILITY_ROUNDS="$durability_rounds" \
        dotnet test tests/Countersign.Tests/Countersign.Tests.csproj -c Release --tl:off \
        --filter "FullyQualifiedName~Countersign.Tests.Signing.DurabilityTests" >"$work/durability.log" 2>&1; then
        log "durability: passed: after each of $durability_rounds kills every acknowledged signature and confirmation was stored exactly once, counters equalled rows, integrity_check ok"
    else
        log "durability: FAILED (output below)"
        tail -40 "$work/durability.log" >&2
        checks_failed=1
    fi
fi

# --- report ----------------------------------------------------------------------------------------

log "done"
echo
report_status=0
"${helper[@]}" report --results "$results" --strict "$([[ $strict -eq 1 ]] && echo true || echo false)" | tee "$work/report.txt" || report_status=$?
if ((profile)); then
    for label in sqlite postgres; do
        [[ -f "$work/$label.profile.txt" ]] || continue
        echo
        echo "Where the server's CPU went while signing ($label, dotnet-sampled-thread-time):"
        sed 's/^/  /' "$work/$label.profile.txt"
    done
fi
if ((checks_failed && report_status == 0)); then
    report_status=1
fi
exit "$report_status"
