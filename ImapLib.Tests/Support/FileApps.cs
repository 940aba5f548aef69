using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace ImapLib.Tests.Support;

/// <summary>A child process's exit status and output.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Builds .NET 10 file-based apps (the C# examples, README's example) as a user's <c>dotnet run file.cs</c> builds
/// them, and runs programs. Each example is built once per test run, whichever test asks first: the parity test
/// runs the build, <c>ExamplesBuildTests</c> checks it has no warnings.
/// </summary>
public static class FileApps
{
    /// <summary>The result of one build: the dll when it succeeded, the build's output, its warning lines.</summary>
    public sealed record Build(string? Dll, string Log)
    {
        /// <summary>The distinct compiler and MSBuild warnings in the log (<c>file(l,c): warning CS8629: ...</c>).</summary>
        public IReadOnlyList<string> Warnings =>
            [.. Log.Split('\n').Select(l => l.Trim()).Where(l => Regex.IsMatch(l, @": warning [A-Z]+\d+")).Distinct()];
    }

    private static readonly ConcurrentDictionary<string, Lazy<Build>> Examples = new();

    private static readonly string Root =
        Path.Combine(Path.GetTempPath(), "imaplib-examples", $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..20]);

    /// <summary>The build of example <paramref name="name"/> (<c>name.cs</c>) in <paramref name="folder"/>, made on the
    /// first call of this test run and shared afterwards.</summary>
    public static Build Example(string folder, string name) =>
        Examples.GetOrAdd(Path.Combine(folder, name), _ => new Lazy<Build>(() =>
            Compile(Path.Combine(folder, name + ".cs"), Path.Combine(Root, name)))).Value;

    /// <summary>Compiles one file-based app into <paramref name="output"/>; retried, since other builds may hold
    /// ImapLib's files.</summary>
    public static Build Compile(string file, string output)
    {
        string log = "";
        string dll = Path.Combine(output, Path.GetFileNameWithoutExtension(file) + ".dll");
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            var result = Run(DotnetHost(), ["build", file, "-o", output, "-nologo", "-v", "q"],
                Path.GetDirectoryName(file)!, [], TimeSpan.FromMinutes(5), forBuild: true);
            log = result.Stdout + result.Stderr;
            if (result.ExitCode == 0 && File.Exists(dll)) return new Build(dll, log);
            Thread.Sleep(1000 * attempt);
        }
        return new Build(null, log);
    }

    /// <summary>The dotnet host running the tests (so that nested builds use the same SDK).</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs <paramref name="program"/> to its end (killed after <paramref name="limit"/>), output as UTF-8.</summary>
    public static ProcessResult Run(string program, string[] args, string cwd, Dictionary<string, string> env, TimeSpan limit,
        bool forBuild = false)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = cwd,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (forBuild)
        {
            // The test host runs under `dotnet test`, whose MSBuild settings must not leak into a nested build.
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
                start.Environment.Remove(key);
        }
        foreach (var (key, value) in env) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ProcessResult(-1, stdout.Result, stderr.Result + $"\n(killed after {limit.TotalSeconds} s)");
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Removes this run's example builds (called once, when the test run ends).</summary>
    internal static void RemoveBuilds()
    {
        try { if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Runs once around the whole test run: removes the example builds at its end.</summary>
[SetUpFixture]
public sealed class FileAppsCleanup
{
    /// <summary>Removes the builds.</summary>
    [OneTimeTearDown]
    public void RemoveBuilds() => FileApps.RemoveBuilds();
}
