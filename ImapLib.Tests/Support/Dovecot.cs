using System.Diagnostics;

namespace ImapLib.Tests.Support;

/// <summary>
/// The project's private Dovecot on loopback, started once for the whole test run by
/// <c>scripts/dovecot.sh start</c> (which installs Dovecot from Debian's packages when it is missing).
/// Tests never skip for want of a server: if it cannot be started, the run fails.
/// </summary>
public static class Dovecot
{
    private static readonly Lazy<DovecotInfo> Started = new(StartServer, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _users;

    /// <summary>The running server (started on first use).</summary>
    public static DovecotInfo Server => Started.Value;

    // Started on first use; no teardown here: runs of the suite may overlap (an IDE and a terminal), and one must not stop the
    // server under another. scripts/test.sh stops it after the whole run.

    /// <summary>A new account with <paramref name="password"/> and an empty mailbox store. An
    /// <paramref name="admin"/> account (userdb <c>admin=yes</c>) may SETQUOTA.</summary>
    public static Account NewAccount(string password = "secret", bool admin = false)
    {
        string name = $"u{Environment.ProcessId}x{Interlocked.Increment(ref _users)}x{Guid.NewGuid().ToString("N")[..6]}";
        if (admin) Repo.Run("scripts/dovecot.sh", "adduser", "--admin", name, password, Server.Dir);
        else Repo.Run("scripts/dovecot.sh", "adduser", name, password, Server.Dir);
        return new Account(name, password);
    }

    private static DovecotInfo StartServer()
    {
        var env = Repo.StartServer("scripts/dovecot.sh", Repo.TestDir("IMAPLIB_DOVECOT_DIR", "imaplib-dovecot-tests"));
        return new DovecotInfo(env["IMAPLIB_DOVECOT_DIR"], env["IMAPLIB_IMAP_HOST"], int.Parse(env["IMAPLIB_IMAP_PORT"]),
            int.Parse(env["IMAPLIB_IMAPS_PORT"]), env["IMAPLIB_CA_FILE"], env["IMAPLIB_CLIENT_CERT"], env["IMAPLIB_CLIENT_KEY"],
            env["IMAPLIB_DOVECOT_CONF"]);
    }

    /// <summary>The shell command that runs a preauthenticated IMAP session for <paramref name="user"/> on stdio. With
    /// <paramref name="rev2"/> the session advertises <c>IMAP4rev2</c> alone (<c>IMAP4rev2 IDLE ENABLE NAMESPACE
    /// UIDPLUS</c>), not IMAP4rev1; Dovecot still behaves as a rev1 server (no Debian build has its rev2 support).</summary>
    public static string StdioCommand(string user, bool rev2 = false) => rev2
        ? Repo.Run("scripts/dovecot.sh", "stdio-command", "--rev2", user, Server.Dir).Trim()
        : Repo.Run("scripts/dovecot.sh", "stdio-command", user, Server.Dir).Trim();
}

public sealed record DovecotInfo(string Dir, string Host, int Port, int SslPort, string CaFile, string ClientCert, string ClientKey, string Config);

public sealed record Account(string User, string Password)
{
    /// <summary>A logged-in plain-TCP connection to the test server.</summary>
    public IMAP4 Connect() => Repo.Login(Dovecot.Server.Host, Dovecot.Server.Port, User, Password);
}

/// <summary>The repository the tests run from, and a way to run its scripts.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImapLib.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ImapLib.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a repository script (bounded to ten minutes: a first run may install packages) and returns
    /// its standard output; a non-zero exit fails with the script's standard error.</summary>
    public static string Run(string script, params string[] args) => RunWith(script, null, args);

    /// <summary><see cref="Run"/> with more environment variables for the script (they win over the defaults).</summary>
    public static string RunWith(string script, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        // The test server has ports of its own, so it never collides with the demo's or the benchmark's.
        start.Environment["IMAPLIB_IMAP_PORT"] = Environment.GetEnvironmentVariable("IMAPLIB_TEST_IMAP_PORT") ?? "14310";
        start.Environment["IMAPLIB_IMAPS_PORT"] = Environment.GetEnvironmentVariable("IMAPLIB_TEST_IMAPS_PORT") ?? "19931";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(Root, script));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(600_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} {string.Join(' ', args)} did not finish in 10 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}");
        return stdout;
    }

    /// <summary>The folder a test server runs from: <paramref name="variable"/> when it is set, else
    /// <paramref name="name"/> in the temporary folder.</summary>
    public static string TestDir(string variable, string name) =>
        Environment.GetEnvironmentVariable(variable) ?? Path.Combine(Path.GetTempPath(), name);

    /// <summary>Starts a private server with <c><paramref name="script"/> start <paramref name="dir"/></c> (it does
    /// nothing when that server runs already) and returns what <c><paramref name="script"/> env DIR</c> exports: its
    /// host, ports, folder.</summary>
    public static Dictionary<string, string> StartServer(string script, string dir, IReadOnlyDictionary<string, string>? environment = null)
    {
        RunWith(script, environment, "start", dir);
        var exports = new Dictionary<string, string>();
        foreach (var line in RunWith(script, environment, "env", dir).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var assignment = line.StartsWith("export ") ? line[7..] : line;
            int eq = assignment.IndexOf('=');
            if (eq > 0) exports[assignment[..eq]] = assignment[(eq + 1)..].Trim('\'', '"');
        }
        return exports;
    }

    /// <summary>A plain-TCP connection to <paramref name="host"/>:<paramref name="port"/>, logged in.</summary>
    public static IMAP4 Login(string host, int port, string user, string password)
    {
        var M = new IMAP4(host, port, timeout: 30);
        M.login(user, password);
        return M;
    }
}
