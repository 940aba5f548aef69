using System.Diagnostics;
using System.Globalization;
using ImapLib.Fuzzing;

namespace ImapLib.Fuzz.Guided;

/// <summary>
/// The guided fuzzer's modes (issue 24). scripts/fuzz.sh runs them on a published copy whose ImapLib.dll (and
/// ImapLib.Testing.dll) SharpFuzz has instrumented:
/// <code>
///   ImapLib.Fuzz afl TARGET                 one AFL++ target process (stdin or shared memory, SharpFuzz)
///   ImapLib.Fuzz run TARGET PATH...         runs files (or every file of folders) once each; exit 1 on a finding
///   ImapLib.Fuzz seeds TARGET FOLDER        writes the starting corpus, built from ImapLib.Tests/Transcripts
///   ImapLib.Fuzz edges TARGET PATH...       edges of the instrumented library that the inputs reach
///   ImapLib.Fuzz blind TARGET SECONDS SEEDS the blind baseline for as long: the existing mutational runner
///                                           (response) or random havoc on the seeds (others), with its edges
/// </code>
/// </summary>
public static class Cli
{
    public static readonly string[] Modes = ["afl", "run", "seeds", "edges", "blind"];

    public static int Start(string[] args)
    {
        if (args.Length < 2 || FuzzTarget.Named(args[1]) is not { } target)
        {
            Console.Error.WriteLine($"usage: ImapLib.Fuzz {string.Join('|', Modes)} TARGET ...; targets:");
            foreach (var t in FuzzTarget.All) Console.Error.WriteLine($"  {t.Name,-10} {t.Description}");
            return 2;
        }
        // Debug output of the library goes to standard error: keep it out of the reports.
        Console.SetError(TextWriter.Null);
        // Outside AFL++ the instrumented library still writes to the edge map: it must exist.
        var map = args[0] == "afl" ? null : new EdgeMap();
        switch (args[0])
        {
            case "afl":
                SharpFuzz.Fuzzer.Run(stream =>
                {
                    using var copy = new MemoryStream();
                    stream.CopyTo(copy);
                    target.RunBounded(copy.ToArray());
                });
                return 0;
            case "run":
                Session.Verbose = Environment.GetEnvironmentVariable("FUZZ_VERBOSE") == "1";
                return RunFiles(target, Files(args[2..]));
            case "seeds":
                Directory.CreateDirectory(args[2]);
                int n = 0;
                foreach (var (name, input) in target.Seeds(Repository()))
                {
                    File.WriteAllBytes(Path.Combine(args[2], name), input);
                    n++;
                }
                Console.WriteLine($"{n} seeds for {target.Name} in {args[2]}");
                return 0;
            case "edges":
                return Edges(target, Files(args[2..]), map!);
            case "blind":
                return Blind(target, double.Parse(args[2], CultureInfo.InvariantCulture), Files(args[3..]), map!);
            default:
                Console.WriteLine($"unknown mode {args[0]}");
                return 2;
        }
    }

    private static List<string> Files(string[] paths) =>
        paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p])
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith("README.txt", StringComparison.Ordinal))
            .ToList();

    /// <summary>The repository's root: the folder above this program's that holds ImapLib.sln.</summary>
    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImapLib.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }

    /// <summary>Runs each file on a thread of its own with a 10 s limit, so a hang is reported, not waited out.</summary>
    private static int RunFiles(FuzzTarget target, List<string> files)
    {
        int bad = 0;
        foreach (var file in files)
        {
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try { target.RunBounded(File.ReadAllBytes(file)); }
                catch (Exception e) { failure = e; }
            }, 64 * 1024 * 1024)
            { IsBackground = true };
            thread.Start();
            if (!thread.Join(TimeSpan.FromSeconds(10))) failure = new TimeoutException("hang: still running after 10 s");
            if (failure is null) continue;
            bad++;
            Console.WriteLine($"FINDING {target.Name} {file}: {failure.GetType().FullName}: {failure.Message}");
            Console.WriteLine(failure.StackTrace);
        }
        Console.WriteLine($"{target.Name}: {files.Count} input(s), {bad} finding(s)");
        return bad == 0 ? 0 : 1;
    }

    private static int Edges(FuzzTarget target, List<string> files, EdgeMap map)
    {
        foreach (var file in files)
        {
            try { target.Run(File.ReadAllBytes(file)); }
            catch (Exception e) when (e is not OutOfMemoryException) { }
            map.Collect();
        }
        Console.WriteLine($"{target.Name}: {files.Count} input(s) reach {map.Edges} edges");
        return 0;
    }

    /// <summary>The blind baseline: as many cases as fit in <paramref name="seconds"/>, edges printed each minute.
    /// For the response path it is the project's existing mutational runner (FuzzRunner, seed 7); for the other
    /// targets, random havoc (bit flips, byte changes, inserts, deletes, copies, splices) on the seeds, with no
    /// feedback.</summary>
    private static int Blind(FuzzTarget target, double seconds, List<string> seedFiles, EdgeMap map)
    {
        var seeds = seedFiles.Select(File.ReadAllBytes).ToList();
        if (target.Name != "response" && seeds.Count == 0) seeds = target.Seeds(Repository()).Select(s => s.input).ToList();
        var random = new FuzzRandom(7);
        var clock = Stopwatch.StartNew();
        long cases = 0, findings = 0;
        double nextReport = 60;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (target.Name == "response")
            {
                if (FuzzRunner.RunCase(7, cases, out _, checkBaseline: false, debugLevel: 0) is not null) findings++;
            }
            else
            {
                var input = Havoc.Mutate(random, seeds);
                try { target.Run(input); }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The first few are kept for a look: blind-findings-TARGET/N in the current folder.
                    if (findings++ < 20)
                    {
                        Directory.CreateDirectory($"blind-findings-{target.Name}");
                        File.WriteAllBytes($"blind-findings-{target.Name}/{findings}", input);
                    }
                }
            }
            map.Collect();
            cases++;
            if (clock.Elapsed.TotalSeconds >= nextReport)
            {
                Console.WriteLine($"blind {target.Name}: {clock.Elapsed.TotalSeconds:0} s, {cases} cases, {map.Edges} edges");
                nextReport += 60;
            }
        }
        Console.WriteLine($"blind {target.Name}: done, {clock.Elapsed.TotalSeconds:0} s, {cases} cases, {map.Edges} edges, {findings} finding(s)");
        return 0;
    }
}
