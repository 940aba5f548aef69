#!/usr/bin/env bash
# Re-records the transcript corpus (ImapLib.Tests/Transcripts/SERVER/SCENARIO.imap and .out) from the real servers
# of the test bed, which it installs and starts privately like scripts/test.sh: every scenario of
# ImapLib.Tests/Corpus/CorpusScenarios.cs against every server that offers what it needs, recorded with
# RecordingIMAP4, replayed at once with no server to check the round trip, then written.
#
# Re-recording is deterministic except for what the servers mint themselves: Dovecot's timing text
# "(0.001 + 0.000 secs)", UIDVALIDITY values, and the per-run account name (kept in each file's heading, which
# the replay reads). `git diff` after a re-recording therefore shows those; to see only real changes:
#   scripts/record-transcripts.sh --diff
# compares the new recordings with the committed ones with those three normalised.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=ImapLib.Tests/Transcripts

# shellcheck source=lib/test-servers.sh
. scripts/lib/test-servers.sh
install_test_servers

normalise() {
    sed -E -e 's/\([0-9]+\.[0-9]+ \+ [0-9]+\.[0-9]+( \+ [0-9]+\.[0-9]+)? secs\)/(T secs)/g' \
           -e 's/(UIDVALIDITY|APPENDUID|COPYUID) [0-9]+/\1 N/g' \
           -e 's/\b[cu][0-9]+x[0-9]+x[0-9a-f]{6}\b/USER/g' "$1"
}

if [ "${1:-}" = "--diff" ]; then
    before=$(mktemp -d)
    cp -r "$corpus"/. "$before"/
fi
find "$corpus" -name '*.imap' -delete -o -name '*.out' -delete 2>/dev/null || true
status=0
IMAPLIB_RECORD_CORPUS="$PWD/$corpus" dotnet test ImapLib.Tests/ImapLib.Tests.csproj -c Release \
    --filter "FullyQualifiedName~CorpusRecordingTests" || status=$?

stop_test_servers

echo "$(find "$corpus" -name '*.imap' | wc -l) transcripts from $(find "$corpus" -mindepth 1 -maxdepth 1 -type d | wc -l) servers in $corpus"
if [ "${1:-}" = "--diff" ]; then
    for file in $(cd "$corpus" && find . -name '*.imap' -o -name '*.out' | sort); do
        diff -u <(normalise "$before/$file" 2>/dev/null || true) <(normalise "$corpus/$file") --label "committed $file" --label "new $file" || true
    done
    rm -rf "$before"
fi
exit "$status"
