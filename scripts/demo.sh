#!/usr/bin/env bash
# The main job: the port of Python imaplib's own self-test, run against the embedded default server
# (the project's private Dovecot, reached over its preauthenticated stdio command). Installs Dovecot
# from Debian's packages when it is missing. Extra arguments go to the demo: [-d level] [-s command] [host]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/dovecot.sh install
exec dotnet run --project ImapLib.Demo -c Release -- "$@"
