#!/usr/bin/env bash
# ImapLib benchmark (issue 6): ImapLib vs CPython's imaplib vs MailKit vs a raw reader, same data, one run.
#
# Usage: bench/run.sh [--quick] [--reps N] [--rounds R] [--only ID,ID,...] [--no-tls]
#        bench/run.sh --kit-replay [--reps N]   the test kit's replay of a recorded 10,000-message FETCH vs live
#   --quick   smoke run: 1 repetition, no warm-up, 200/3/100 messages instead of 2,000/20/1,000
#   --reps N  timed repetitions per client and scenario (default 9), split over R interleaved rounds
#             (default 3), each round a fresh process per client with one untimed warm-up repetition
#   --only    scenario ids (fetch-bulk-10k, fetch-each-10k, fetch-bulk-5m, fetch-each-5m, fetch-envelope,
#             search-all-20k, append-1000, startup, buffer-sweep; the WAN ones: wan (all of them), wan-fetch-bulk-2k,
#             wan-fetch-headers-10k, wan-fetch-bulk-5m, wan-fetch-envelope, wan-fetch-each-200, wan-append-200)
#   --wan-reps N / --wan-rounds R   the same for the WAN scenarios (default 3 in 3 rounds: they take seconds each)
#
# Starts its own private Dovecot (scripts/dovecot.sh) in $IMAPLIB_BENCH_DIR (default /dev/shm/imaplib-bench-dovecot
# when /dev/shm is a tmpfs, else /tmp/imaplib-bench-dovecot) on
# ports ${IMAPLIB_IMAP_PORT:-14400} (plain) and ${IMAPLIB_IMAPS_PORT:-19940} (TLS) so that it never meets the
# test server, seeds it once (reused on later runs), builds the bench in Release, runs everything, prints a
# Markdown table and writes bench/results/latest.json and latest.md (quick.json / quick.md for --quick).
# The server is left running for the
# next run; stop it with: bash scripts/dovecot.sh stop /dev/shm/imaplib-bench-dovecot
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export IMAPLIB_IMAP_PORT="${IMAPLIB_IMAP_PORT:-14400}"
export IMAPLIB_IMAPS_PORT="${IMAPLIB_IMAPS_PORT:-19940}"
# The server's storage lives in RAM (tmpfs) when it can: APPEND then measures the clients and Dovecot, not the
# disk's journal (on this machine's ext4 disk one APPEND took 0.4-6 ms, varying from run to run).
if [ -z "${IMAPLIB_BENCH_DIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ]; then
    dir=/dev/shm/imaplib-bench-dovecot
else
    dir="${IMAPLIB_BENCH_DIR:-/tmp/imaplib-bench-dovecot}"
fi
user=bench
password=benchpw
# The real interpreter, resolved once: a version-manager shim first on PATH (pyenv's adds ~0.3 s to every process)
# would otherwise be timed as part of CPython's start-up and of every per-process figure.
python="$("${PYTHON:-python3}" -c 'import sys; print(sys.executable)')"

# The server daemon inherits the descriptors it is started with: give it a log file, never our pipes.
mkdir -p "$dir"
if ! bash scripts/dovecot.sh start "$dir" </dev/null >"$dir/start.log" 2>&1; then
    cat "$dir/start.log" >&2
    exit 1
fi
cat "$dir/start.log" >&2
bash scripts/dovecot.sh adduser "$user" "$password" "$dir"
eval "$(bash scripts/dovecot.sh env "$dir")"

echo "== building bench (Release)" >&2
dotnet build bench/ImapLib.Bench -c Release -nologo -v quiet -clp:ErrorsOnly >&2
exe="$root/bench/ImapLib.Bench/bin/Release/net10.0/ImapLib.Bench"

echo "== seeding $dir/home/$user/Maildir" >&2
home="$dir/home/$user"
mkdir -p "$home"
"$exe" seed --home "$home" >&2
if [ "$(id -u)" -eq 0 ]; then
    # Mail is served as the dedicated mail user (see scripts/dovecot.sh): it must own what we wrote.
    chown -R imaplibmail:imaplibmail "$home"
fi

mkdir -p bench/results
# --kit-replay: only the test kit's benchmark (a recorded 10,000-message FETCH replayed vs the live session).
if [ "${1:-}" = --kit-replay ]; then
    shift
    "$exe" kit-replay --host "$IMAPLIB_IMAP_HOST" --port "$IMAPLIB_IMAP_PORT" --ca "$IMAPLIB_CA_FILE" --user "$user" --password "$password" \
        --out "$root/bench/results/kit-replay.json" "$@" | tee "$root/bench/results/kit-replay.md"
    exit "${PIPESTATUS[0]}"
fi
# A smoke run must not overwrite the full results that checks read.
out="$root/bench/results/latest.json"
for arg in "$@"; do
    if [ "$arg" = --quick ]; then out="$root/bench/results/quick.json"; fi
done
"$exe" suite \
    --host "$IMAPLIB_IMAP_HOST" --port "$IMAPLIB_IMAP_PORT" --tls-port "$IMAPLIB_IMAPS_PORT" --ca "$IMAPLIB_CA_FILE" \
    --user "$user" --password "$password" \
    --python "$python" --driver "$root/bench/python_driver.py" \
    --data-dir "$dir/bench-data" --out "$out" "$@"
# A full run's table goes into docs/performance.md (between its markers), so the page never shows stale figures.
if [ "$out" = "$root/bench/results/latest.json" ]; then
    "$exe" report --json "$out" --wan-json "$root/bench/results/wan.json" --doc "$root/docs/performance.md"
fi
