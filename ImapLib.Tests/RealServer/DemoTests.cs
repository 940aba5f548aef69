using System.Diagnostics;
using System.Security.Cryptography;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// The demo program (the port of imaplib's self-test) run as a separate process, as a user would: over the
/// embedded stdio default, over a given stdio command (-s), and over TCP with a login (-d traces included).
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("Server")]
public class DemoTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private string _demoDll = "";
    private string _embeddedDir = "";

    [OneTimeSetUp]
    public void BuildDemo()
    {
        _demoDll = DemoBuild.Locate();
        // The embedded default prepares a Dovecot directory of its own (default /tmp/imaplib-dovecot, shared with
        // anyone running the demo by hand); a private one keeps this run's "demo" mailboxes to itself.
        _embeddedDir = Path.Combine(Path.GetTempPath(), $"imaplib-demo-tests-{Environment.ProcessId}");
    }

    [OneTimeTearDown]
    public void RemoveEmbeddedDir()
    {
        try
        {
            if (_embeddedDir.Length > 0 && Directory.Exists(_embeddedDir)) Directory.Delete(_embeddedDir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    [Test]
    public void Without_arguments_it_runs_against_the_embedded_stdio_server()
    {
        var run = Run([], new() { ["IMAPLIB_DOVECOT_DIR"] = _embeddedDir });
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Stdout, Does.Contain("All tests OK."), run.ToString());
        Assert.That(run.Stderr, Does.Contain("PROTOCOL_VERSION = IMAP4REV1"), run.ToString());
        // Preauthenticated: the sequence starts at create, with no login.
        Assert.That(run.Stderr, Does.Not.Contain("login ("), run.ToString());
        Assert.That(run.Stderr, Does.Contain("create ('tmp/xxx 1',)"), run.ToString());
        Assert.That(run.Stderr, Does.Contain("logout => BYE"), run.ToString());
        Assert.That(File.Exists(Path.Combine(_embeddedDir, "dovecot.conf")), Is.True, "the embedded default did not use IMAPLIB_DOVECOT_DIR");
    }

    [Test]
    public void With_dash_s_it_runs_over_the_given_stdio_command()
    {
        var account = Dovecot.NewAccount();
        var run = Run(["-s", Dovecot.StdioCommand(account.User)]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Stdout, Does.Contain("All tests OK."), run.ToString());
        Assert.That(run.Stderr, Does.Contain("uid => OK"), run.ToString());
        Assert.That(run.Stderr, Does.Not.Contain("login ("), run.ToString());
    }

    [Test]
    public void Over_tcp_it_logs_in_with_the_environments_user_and_password()
    {
        var account = Dovecot.NewAccount($"demo-pw-{Guid.NewGuid():N}");
        var run = Run([Dovecot.Server.Host], TcpEnvironment(account));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Stdout, Does.Contain("All tests OK."), run.ToString());
        Assert.That(run.Stderr, Does.Contain($"login ('{account.User}', '***')"), run.ToString());
        Assert.That(run.Stderr, Does.Contain("login => OK"), run.ToString());
        Assert.That(run.Stdout + run.Stderr, Does.Not.Contain(account.Password));
    }

    [Test]
    public void Debug_level_4_traces_the_protocol_on_stderr_without_the_password()
    {
        var account = Dovecot.NewAccount($"demo-pw-{Guid.NewGuid():N}");
        var run = Run(["-d", "4", Dovecot.Server.Host], TcpEnvironment(account));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Stdout, Does.Contain("All tests OK."), run.ToString());
        // The wire trace: lines sent ("> ") and received ("< "), the LOGIN with its password masked.
        Assert.That(run.Stderr, Does.Contain("new IMAP4 connection, tag="), run.ToString());
        Assert.That(run.Stderr, Does.Match(@"> b'[A-P]{4}\d+ LOGIN " + account.User + @" \*\*\*'"), run.ToString());
        Assert.That(run.Stderr, Does.Match(@"< b'\* OK \[CAPABILITY "), run.ToString());
        Assert.That(run.Stderr, Does.Contain("write literal size"), run.ToString());
        Assert.That(run.Stdout, Does.Not.Contain("< b'"), "the trace belongs on stderr");
        Assert.That(run.Stdout + run.Stderr, Does.Not.Contain(account.Password));
    }

    [Test]
    public void A_failing_session_reports_tests_failed_and_exits_with_1()
    {
        // (Not a wrong password: Dovecot would then delay every later login from 127.0.0.1 by seconds.)
        var run = Run(["-s", "echo 'imapd: broken' >&2; exit 3"]);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Stdout, Does.Contain("Tests failed.").And.Not.Contain("All tests OK."), run.ToString());
        Assert.That(run.Stdout, Does.Contain("try: ").And.Contain("-d5"), "at debug level 0 the demo suggests -d5");
        Assert.That(run.Stderr, Does.Contain("ImapLib.IMAP4+abort").And.Contain("exit status 3").And.Contain("imapd: broken"), run.ToString());
    }

    // ---- Running the demo ---------------------------------------------------------------------------------

    private static Dictionary<string, string?> TcpEnvironment(Account account) => new()
    {
        ["IMAP_USER"] = account.User,
        ["IMAP_PASSWORD"] = account.Password,
        ["IMAP_PORT"] = Dovecot.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private sealed record DemoRun(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
    }

    private DemoRun Run(string[] args, Dictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(DemoBuild.DotnetHost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(_demoDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Nothing from the test runner's own environment decides which server or account the demo uses.
        foreach (var name in new[] { "IMAP_USER", "IMAP_PASSWORD", "IMAP_PORT", "IMAPLIB_DOVECOT_DIR", "IMAPLIB_IMAP_PORT", "IMAPLIB_IMAPS_PORT" })
            start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? [])
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        process.StandardInput.Close();   // a password prompt reads end of input instead of hanging
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(RunLimit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"the demo did not finish within {RunLimit.TotalSeconds} s:\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        return new DemoRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>
/// Finds the demo built in the tests' own configuration (Debug locally, Release in CI), building it when it is
/// missing or not built from the library the tests run against.
/// </summary>
internal static class DemoBuild
{
    private static readonly object Gate = new();
    private static string? _dll;

    /// <summary>The dotnet host that runs the tests (set by the CLI), else the one on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static string Locate()
    {
        lock (Gate)
        {
            if (_dll is not null) return _dll;
            // The tests run from ImapLib.Tests/bin/<configuration>/<framework>/.
            var frameworkDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string framework = frameworkDir.Name;
            string configuration = frameworkDir.Parent!.Name;
            string project = Path.Combine(Repo.Root, "ImapLib.Demo", "ImapLib.Demo.csproj");
            string output = Path.Combine(Repo.Root, "ImapLib.Demo", "bin", configuration, framework);
            string dll = Path.Combine(output, "ImapLib.Demo.dll");

            if (!IsCurrent(dll, output))
            {
                var (ok, log) = (false, "");
                for (int attempt = 1; attempt <= 3 && !ok; attempt++)
                {
                    // Other builds may hold files for a moment (MSB3026/MSB3027): retry a few times.
                    if (attempt > 1) Thread.Sleep(2000);
                    (ok, log) = Build(project, configuration);
                }
                if (!ok || !File.Exists(dll))
                    throw new InvalidOperationException($"could not build {project} ({configuration}):\n{log}");
            }
            return _dll = dll;
        }
    }

    /// <summary>The demo exists, is newer than its sources, and carries the very ImapLib.dll the tests loaded.</summary>
    private static bool IsCurrent(string dll, string output)
    {
        if (!File.Exists(dll)) return false;
        string library = Path.Combine(output, "ImapLib.dll");
        if (!File.Exists(library) || !SameBytes(library, typeof(IMAP4).Assembly.Location)) return false;
        var built = File.GetLastWriteTimeUtc(dll);
        return Directory.EnumerateFiles(Path.Combine(Repo.Root, "ImapLib.Demo"), "*.cs")
            .Concat(Directory.EnumerateFiles(Path.Combine(Repo.Root, "ImapLib.Demo"), "*.csproj"))
            .All(source => File.GetLastWriteTimeUtc(source) <= built);
    }

    private static bool SameBytes(string a, string b)
    {
        using var sha = SHA256.Create();
        using var fa = File.OpenRead(a);
        byte[] ha = sha.ComputeHash(fa);
        using var fb = File.OpenRead(b);
        return ha.AsSpan().SequenceEqual(sha.ComputeHash(fb));
    }

    private static (bool ok, string log) Build(string project, string configuration)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var arg in new[] { "build", project, "-c", configuration, "--nologo", "-v", "q" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return (false, "dotnet build timed out");
        }
        return (process.ExitCode == 0, $"exit {process.ExitCode}\n{stdout}\n{stderr.Result}");
    }
}
