#!/usr/bin/env bash
# The whole test suite: installs what it needs (Dovecot from Debian's packages, through
# scripts/dovecot.sh; Cyrus 3.6 and 3.10 unpacked privately by scripts/cyrus.sh; Courier-IMAP unpacked
# privately by scripts/courier.sh; the test fixtures call them), builds, runs every test, and ends with
# the plain totals line "N passed, N failed" read from the test results.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/dovecot.sh install
IMAPLIB_CYRUS_VERSION=3.6 bash scripts/cyrus.sh install
IMAPLIB_CYRUS_VERSION=3.10 bash scripts/cyrus.sh install
bash scripts/courier.sh install

results=$(mktemp -d)
status=0
dotnet test ImapLib.sln -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" \
    --collect "XPlat Code Coverage" --settings ImapLib.Tests/coverage.runsettings "$@" || status=$?

# The suite's private Dovecot (started by the test fixture) is not needed any more.
IMAPLIB_IMAP_PORT="${IMAPLIB_TEST_IMAP_PORT:-14310}" IMAPLIB_IMAPS_PORT="${IMAPLIB_TEST_IMAPS_PORT:-19931}" \
    bash scripts/dovecot.sh stop "${IMAPLIB_DOVECOT_DIR:-${TMPDIR:-/tmp}/imaplib-dovecot-tests}" || true
# Likewise the private Cyrus (ImapLib.Tests/Support/Cyrus.cs).
IMAPLIB_CYRUS_VERSION=3.6 IMAPLIB_CYRUS_PORT="${IMAPLIB_TEST_CYRUS_PORT:-14321}" \
    bash scripts/cyrus.sh stop "${IMAPLIB_CYRUS_DIR:-${TMPDIR:-/tmp}/imaplib-cyrus-tests}" || true
# Cyrus 3.10 (Cyrus.V310) and Courier (ImapLib.Tests/Support/Courier.cs); each folder remembers its version and ports.
IMAPLIB_CYRUS_VERSION=3.10 \
    bash scripts/cyrus.sh stop "${IMAPLIB_CYRUS310_DIR:-${TMPDIR:-/tmp}/imaplib-cyrus310-tests}" || true
bash scripts/courier.sh stop "${IMAPLIB_COURIER_DIR:-${TMPDIR:-/tmp}/imaplib-courier-tests}" || true

trx=$(find "$results" -name '*.trx' | head -n 1)
if [ -z "$trx" ]; then
    echo "no test results were written"
    echo "0 passed, 1 failed"
    exit 1
fi
# The TRX <Counters> element holds the totals of the run.
counters=$(grep -o '<Counters [^>]*>' "$trx")
passed=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
failed=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
executed=$(sed -E 's/.* executed="([0-9]+)".*/\1/' <<<"$counters")
if [ "$executed" = 0 ]; then
    echo "no test was executed"
    status=1
fi
# Coverage of the library by this run (coverlet's Cobertura report; ImapLib.Tests/coverage.runsettings).
cobertura=$(find "$results" -name 'coverage.cobertura.xml' | head -n 1)
if [ -n "$cobertura" ]; then
    head -c 400 "$cobertura" | grep -o '<coverage [^>]*>' | sed -E \
        's/.*line-rate="([0-9.]+)".*branch-rate="([0-9.]+)".*lines-covered="([0-9]+)" lines-valid="([0-9]+)" branches-covered="([0-9]+)" branches-valid="([0-9]+)".*/\1 \2 \3 \4 \5 \6/' |
        awk '{ printf "coverage of ImapLib: lines %.1f%% (%d of %d), branches %.1f%% (%d of %d)\n", $1*100, $3, $4, $2*100, $5, $6 }' || true
fi
echo "$passed passed, $failed failed"
exit "$status"
