#!/usr/bin/env bash
# The package as a user gets it: packs ImapLib into a local folder feed, checks what the package holds
# (readme, licence, notice, XML docs, symbols package), then publishes samples/AotSample with NativeAOT from that
# feed and runs it against a private Dovecot, next to CPython running the same session (samples/AotSample/session.py).
# Installs what NativeAOT needs (clang, zlib) from Debian's packages when they are missing. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/imaplib-package.XXXXXX")
chmod 755 "$work"   # the private Dovecot runs as its own mail user and must reach its directory
server_dir="$work/dovecot"
export IMAPLIB_IMAP_PORT="${IMAPLIB_PACKAGE_IMAP_PORT:-14350}" IMAPLIB_IMAPS_PORT="${IMAPLIB_PACKAGE_IMAPS_PORT:-19960}"
cleanup() {
    bash scripts/dovecot.sh stop "$server_dir" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== pack"
dotnet pack ImapLib/ImapLib.csproj -c Release -o "$work/feed" -v quiet -nologo
nupkg=$(ls "$work/feed"/ImapLib.*.nupkg | grep -v '\.symbols\.' | head -n 1)
version=$(basename "$nupkg" .nupkg); version=${version#ImapLib.}
[ -f "$work/feed/ImapLib.$version.snupkg" ] || { echo "no symbols package (.snupkg) next to $nupkg"; exit 1; }
contents=$(unzip -Z1 "$nupkg")
for want in README.nuget.md LICENSE NOTICE lib/net10.0/ImapLib.dll lib/net10.0/ImapLib.xml; do
    grep -qx "$want" <<<"$contents" || { echo "the package lacks $want"; exit 1; }
done
unzip -p "$nupkg" ImapLib.nuspec | grep -q '<license type="expression">MIT</license>' || { echo "the package has no MIT licence expression"; exit 1; }
echo "   ImapLib $version: readme, licence, notice, XML docs and symbols present"

echo "== NativeAOT publish of samples/AotSample from the local feed"
if ! command -v clang >/dev/null || [ ! -e /usr/include/zlib.h ]; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-cache show clang >/dev/null 2>&1 || apt-get update -qq; apt-get install -y -qq --no-install-recommends clang zlib1g-dev; } >"$work/apt.log" 2>&1 \
        || { cat "$work/apt.log"; exit 1; }
fi
cp -r samples/AotSample "$work/sample"
cat >"$work/sample/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="ImapLib" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
CONFIG
NUGET_PACKAGES="$work/packages" dotnet publish "$work/sample/AotSample.csproj" -c Release -r linux-x64 \
    -p:ImapLibVersion="$version" -o "$work/aot" -nologo -clp:NoSummary >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log"; exit 1; }
# The trimmer and the AOT compiler report what they cannot prove safe as IL2xxx/IL3xxx warnings: there must be none.
if grep -E 'warning IL[23][0-9]{3}' "$work/publish.log"; then echo "trim or AOT warnings in the published sample"; exit 1; fi
[ -x "$work/aot/AotSample" ] || { echo "no native executable was published"; exit 1; }
echo "   $(du -h "$work/aot/AotSample" | cut -f1) native executable, no trim or AOT warnings"

echo "== the NativeAOT sample and CPython against a private Dovecot"
bash scripts/dovecot.sh install
bash scripts/dovecot.sh start "$server_dir" >/dev/null
bash scripts/dovecot.sh adduser aot 'aot secret' "$server_dir" >/dev/null
export IMAP_HOST=127.0.0.1 IMAP_PORT="$IMAPLIB_IMAP_PORT" IMAP_USER=aot IMAP_PASSWORD='aot secret'
python=$(python3 -c 'import sys; print(sys.executable)')
ms() { echo $(( $(date +%s%N) / 1000000 )); }
"$work/aot/AotSample" >"$work/aot.out" 2>"$work/aot.err" || { cat "$work/aot.out" "$work/aot.err"; exit 1; }
sed 's/^/   /' "$work/aot.out"
grep -q '^OK streamed ' "$work/aot.out" && grep -q '^BYE$' "$work/aot.out" || { echo "the sample did not complete its session"; exit 1; }
# Start-up: the whole process for connect + login + logout, best of 5, the native sample against CPython.
best() { local best=999999 t0 t1 i; for i in 1 2 3 4 5; do t0=$(ms); "$@" >/dev/null 2>&1 || return 1; t1=$(ms); [ $((t1 - t0)) -lt "$best" ] && best=$((t1 - t0)); done; echo "$best"; }
aot_ms=$(best "$work/aot/AotSample" --startup) || { echo "the sample failed in --startup mode"; exit 1; }
py_ms=$(best "$python" samples/AotSample/session.py --startup) || { echo "session.py failed"; exit 1; }
echo "   start-up (connect, login, logout; whole process, best of 5): NativeAOT sample ${aot_ms} ms," \
     "CPython $("$python" -c 'import sys; print(sys.version.split()[0])') ${py_ms} ms"
echo "== package check passed"
