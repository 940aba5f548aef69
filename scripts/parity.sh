#!/usr/bin/env bash
# Parity of the porting examples: runs each NN_name.py in FOLDER with the local python3 and its C# port
# NN_name.cs (a .NET file-based app) against the private test Dovecot, each on a fresh account after
# 00_setup, and compares their outputs line by line (ImapLib.Tests/ParityTests.cs does the work).
#
# Usage: scripts/parity.sh [FOLDER] [extra dotnet test arguments...]
#   FOLDER defaults to docs/examples. It must hold _show.py, _show.cs and 00_setup.py/.cs, and each .cs
#   must reference ImapLib with a #:project path that is right from FOLDER.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    [ -d "$1" ] || { echo "parity.sh: no folder $1" >&2; exit 2; }
    IMAPLIB_PARITY_EXAMPLES=$(cd "$1" && pwd)
    export IMAPLIB_PARITY_EXAMPLES
    shift
fi
command -v python3 >/dev/null || { echo "parity.sh: python3 is needed" >&2; exit 2; }
bash scripts/dovecot.sh install

exec dotnet test ImapLib.Tests/ImapLib.Tests.csproj --filter "FullyQualifiedName~ImapLib.Tests.ParityTests" \
    --logger "console;verbosity=normal" "$@"
