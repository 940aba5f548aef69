#!/usr/bin/env bash
# Coverage-guided fuzzing (issue 24): AFL++ drives a harness of ImapLib.Fuzz whose library SharpFuzz has
# instrumented.
#
#   bash scripts/fuzz.sh TARGET [SECONDS]     TARGET: response, encoder, transcript, compress, or all (each in turn)
#
# Installs what is missing (Debian's afl++, the SharpFuzz command-line tool from dotnet-tools.json), publishes the
# harness to artifacts/fuzz/TARGET/bin and instruments ImapLib.dll (and ImapLib.Testing.dll) there, writes the seed
# corpus from ImapLib.Tests/Transcripts and the findings kept as regression inputs (ImapLib.Tests/Hostile/Guided),
# runs one AFL++ instance for SECONDS (default 60) at nice 19, then replays every crash and hang it saved. The
# output folder is artifacts/fuzz/TARGET/out (fuzzer_stats, plot_data, queue/, crashes/, hangs/).
# Exit status 1 when AFL++ saved a crash or a hang, or reached fewer edges than the target's floor (about half of
# what its seeds alone reach: a broken harness; FUZZ_MIN_EDGES_TARGET overrides it).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh response|encoder|transcript|compress|all [SECONDS]}
seconds=${2:-60}
root=$PWD
dir=$root/artifacts/fuzz

if [ "$target" = all ]; then
    status=0
    for t in response encoder transcript compress; do bash "$0" "$t" "$seconds" || status=1; done
    exit $status
fi
case "$target" in response|encoder|transcript|compress) ;; *) echo "unknown target $target" >&2; exit 2 ;; esac

if ! command -v afl-fuzz >/dev/null; then
    echo "== installing afl++ (Debian)"
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq afl++ >/dev/null
fi
dotnet tool restore >/dev/null

work=$dir/$target
bin=$work/bin
echo "== $target: publishing and instrumenting the harness in $bin"
# One plain build for every target; each target instruments a copy of its own (a run may still be using another's).
dotnet publish ImapLib.Fuzz/ImapLib.Fuzz.csproj -c Release -o "$dir/build" --nologo -v quiet >/dev/null
mkdir -p "$work"
rm -rf "$bin"
cp -r "$dir/build" "$bin"
dotnet tool run sharpfuzz "$bin/ImapLib.dll" >/dev/null
[ "$target" != transcript ] || dotnet tool run sharpfuzz "$bin/ImapLib.Testing.dll" >/dev/null

harness=(dotnet "$bin/ImapLib.Fuzz.dll")
rm -rf "$work/seeds" "$work/out"
"${harness[@]}" seeds "$target" "$work/seeds"
if [ -d "ImapLib.Tests/Hostile/Guided/$target" ]; then cp "ImapLib.Tests/Hostile/Guided/$target"/* "$work/seeds/"; fi

echo "== $target: AFL++ for $seconds s"
export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 \
    AFL_NO_AFFINITY=1 AFL_FORKSRV_INIT_TMOUT=60000
nice -n "${FUZZ_NICE:-19}" afl-fuzz -i "$work/seeds" -o "$work/out" -V "$seconds" -t "${FUZZ_TIMEOUT_MS:-5000}" -m none \
    -- "${harness[@]}" afl "$target" > "$work/afl.log" 2>&1 || { tail -n 30 "$work/afl.log"; exit 1; }

stats=$work/out/default/fuzzer_stats
stat() { awk -v k="$1" '$1 == k { print $3 }' "$stats"; }
edges=$(stat edges_found); crashes=$(stat saved_crashes); hangs=$(stat saved_hangs)
echo "$target: $(stat run_time) s, $(stat execs_done) executions ($(stat execs_per_sec)/s), $(stat corpus_count) inputs in the queue, $edges edges ($(stat bitmap_cvg) of the map), $crashes crash(es), $hangs hang(s)"
status=0
shopt -s nullglob
found=("$work/out/default/crashes"/id* "$work/out/default/hangs"/id*)
if [ "${#found[@]}" -gt 0 ]; then
    "${harness[@]}" run "$target" "${found[@]}" || true
    status=1
fi
# A harness that stops early or fuzzes nothing reaches far fewer edges than its seeds alone do on a good day.
declare -A floor=([response]=${FUZZ_MIN_EDGES_RESPONSE:-500} [encoder]=${FUZZ_MIN_EDGES_ENCODER:-480} \
    [transcript]=${FUZZ_MIN_EDGES_TRANSCRIPT:-130} [compress]=${FUZZ_MIN_EDGES_COMPRESS:-420})
if [ "$edges" -lt "${floor[$target]}" ]; then
    echo "$target: only $edges edges, fewer than ${floor[$target]}: is the harness broken?"
    status=1
fi
exit $status
