#!/usr/bin/env bash
# The whole test suite: installs what it needs (Dovecot from Debian's packages, through
# scripts/dovecot.sh; Cyrus 3.6 and 3.10 unpacked privately by scripts/cyrus.sh; Courier-IMAP unpacked
# privately by scripts/courier.sh; the test fixtures call them), builds, runs every test, and ends with
# the plain totals line "N passed, N failed" read from the test results.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/test-servers.sh
. scripts/lib/test-servers.sh
install_test_servers

results=$(mktemp -d)
status=0
dotnet test ImapLib.sln -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" \
    --collect "XPlat Code Coverage" --settings ImapLib.Tests/coverage.runsettings "$@" || status=$?

# The servers the test fixtures started are not needed any more.
stop_test_servers

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
