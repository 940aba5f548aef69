#!/usr/bin/env bash
# The packages as a user gets them: packs ImapLib and its test kit ImapLib.Testing into a local folder feed, checks
# what each package holds (readme, licence, notice, XML docs, symbols package, MIT licence expression), then publishes
# samples/AotSample with NativeAOT from that feed and runs it against a private Dovecot, next to CPython running the
# same session (samples/AotSample/session.py), and builds samples/KitConsumer from the same feed and runs it: the
# kit's replay, its TLS transcript server and a recording, against a transcript and against the private Dovecot.
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
dotnet pack ImapLib.Testing/ImapLib.Testing.csproj -c Release -o "$work/feed" -v quiet -nologo
# check_package ID: the package ID.<version>.nupkg holds the readme, licence, notice, the assembly and its XML docs,
# says MIT, and has its symbols package beside it. Sets $version.
check_package() {
    local id=$1 nupkg contents want
    nupkg=$(ls "$work/feed/$id".[0-9]*.nupkg 2>/dev/null | grep -v '\.symbols\.' | head -n 1)
    [ -n "$nupkg" ] || { echo "no $id package in the feed"; exit 1; }
    version=$(basename "$nupkg" .nupkg); version=${version#"$id".}
    [ -f "$work/feed/$id.$version.snupkg" ] || { echo "no symbols package (.snupkg) next to $nupkg"; exit 1; }
    contents=$(unzip -Z1 "$nupkg")
    for want in README.nuget.md LICENSE NOTICE "lib/net10.0/$id.dll" "lib/net10.0/$id.xml"; do
        grep -qx "$want" <<<"$contents" || { echo "the package $id lacks $want"; exit 1; }
    done
    unzip -p "$nupkg" "$id.nuspec" | grep -q '<license type="expression">MIT</license>' || { echo "the package $id has no MIT licence expression"; exit 1; }
    echo "   $id $version: readme, licence, notice, XML docs and symbols present"
}
check_package ImapLib.Testing
kit_version=$version
check_package ImapLib
[ "$kit_version" = "$version" ] || { echo "ImapLib.Testing $kit_version is not released beside ImapLib $version"; exit 1; }

echo "== NativeAOT publish of samples/AotSample from the local feed"
if ! command -v clang >/dev/null || [ ! -e /usr/include/zlib.h ]; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-cache show clang >/dev/null 2>&1 || apt-get update -qq; apt-get install -y -qq --no-install-recommends clang zlib1g-dev; } >"$work/apt.log" 2>&1 \
        || { cat "$work/apt.log"; exit 1; }
fi
# Both samples restore ImapLib and ImapLib.Testing from the local feed only, everything else from nuget.org.
cat >"$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="ImapLib" /><package pattern="ImapLib.Testing" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
CONFIG
cp -r samples/AotSample "$work/sample"
cp "$work/nuget.config" "$work/sample/nuget.config"
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

echo "== samples/KitConsumer (the test kit from the local feed): replay, TLS transcript server, recordings"
cp -r samples/KitConsumer "$work/kit"
cp "$work/nuget.config" "$work/kit/nuget.config"
t0=$(ms)
NUGET_PACKAGES="$work/packages" dotnet build "$work/kit/KitConsumer.csproj" -c Release -p:ImapLibVersion="$version" \
    -o "$work/kit-out" -nologo -clp:NoSummary >"$work/kit-build.log" 2>&1 || { cat "$work/kit-build.log"; exit 1; }
# The consumer must have compiled against the packages, not against a project of this repository.
grep -q '"ImapLib.Testing/'"$version"'"' "$work/kit/obj/project.assets.json" || { echo "KitConsumer did not restore ImapLib.Testing $version"; exit 1; }
bash scripts/dovecot.sh adduser kit 'kit secret' "$server_dir" >/dev/null
KIT_USER=kit KIT_PASSWORD='kit secret' dotnet "$work/kit-out/KitConsumer.dll" >"$work/kit.out" 2>&1 \
    || { cat "$work/kit.out"; echo "the test kit's consumer failed"; exit 1; }
sed 's/^/   /' "$work/kit.out"
grep -q '^kit consumer: all checks passed$' "$work/kit.out" || { echo "the test kit's consumer did not finish"; exit 1; }
echo "   built and ran in $(( $(ms) - t0 )) ms"
echo "== package check passed"
