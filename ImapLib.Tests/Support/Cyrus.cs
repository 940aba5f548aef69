using System.Diagnostics;

namespace ImapLib.Tests.Support;

/// <summary>
/// The project's private Cyrus IMAP (Debian's 3.6, unpacked privately, never installed: it would remove Dovecot) on
/// loopback: the second, different real server, for what Dovecot lacks (GETANNOTATION/SETANNOTATION, SETQUOTA on any
/// quota root as an admin). Started once for the whole test run, on first use, by <c>scripts/cyrus.sh start</c> (which
/// downloads and unpacks Cyrus when it is missing). Tests never skip for want of a server: if it cannot be started,
/// the run fails. Like <see cref="Dovecot"/> there is no teardown here (overlapping runs must not stop each other's
/// server): scripts/test.sh stops it after the whole run.
/// </summary>
public static class Cyrus
{
    private static readonly Lazy<CyrusInfo> Started = new(StartServer, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _users;

    /// <summary>The running server (started on first use).</summary>
    public static CyrusInfo Server => Started.Value;

    /// <summary>A new ordinary account with <paramref name="password"/>; its INBOX (<c>user.NAME</c>) is created by
    /// Cyrus at its first login.</summary>
    public static CyrusAccount NewAccount(string password = "secret")
    {
        string name = $"c{Environment.ProcessId}x{Interlocked.Increment(ref _users)}x{Guid.NewGuid().ToString("N")[..6]}";
        Run("adduser", name, password, Server.Dir);
        return new CyrusAccount(name, password);
    }

    /// <summary>A logged-in connection of the server's admin (listed in imapd.conf's <c>admins</c>): it may create
    /// <c>user.*</c> mailboxes and set quotas and annotations, but has no rights to read other users' mail.</summary>
    public static IMAP4 ConnectAdmin()
    {
        var M = new IMAP4(Server.Host, Server.Port, timeout: 30);
        M.login(Server.Admin, Server.AdminPassword);
        return M;
    }

    private static CyrusInfo StartServer()
    {
        string dir = Environment.GetEnvironmentVariable("IMAPLIB_CYRUS_DIR")
            ?? Path.Combine(Path.GetTempPath(), "imaplib-cyrus-tests");
        Run("start", dir);
        var env = new Dictionary<string, string>();
        foreach (var line in Run("env", dir).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var assignment = line.StartsWith("export ") ? line[7..] : line;
            int eq = assignment.IndexOf('=');
            if (eq > 0) env[assignment[..eq]] = assignment[(eq + 1)..].Trim('\'', '"');
        }
        return new CyrusInfo(dir, env["IMAPLIB_CYRUS_HOST"], int.Parse(env["IMAPLIB_CYRUS_PORT"]),
            env["IMAPLIB_CYRUS_ADMIN"], env["IMAPLIB_CYRUS_ADMIN_PASSWORD"]);
    }

    /// <summary>Runs <c>scripts/cyrus.sh</c> (bounded to ten minutes: a first run downloads packages) and returns its
    /// standard output; a non-zero exit fails with the script's standard error.</summary>
    private static string Run(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        // The test server has a port of its own, so it never collides with one started by hand (14320).
        start.Environment["IMAPLIB_CYRUS_PORT"] = Environment.GetEnvironmentVariable("IMAPLIB_TEST_CYRUS_PORT") ?? "14321";
        start.ArgumentList.Add(Path.Combine(Repo.Root, "scripts", "cyrus.sh"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(600_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/cyrus.sh {string.Join(' ', args)} did not finish in 10 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/cyrus.sh {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}");
        return stdout;
    }
}

public sealed record CyrusInfo(string Dir, string Host, int Port, string Admin, string AdminPassword);

public sealed record CyrusAccount(string User, string Password)
{
    /// <summary>The account's INBOX as the admin names it (Cyrus's "netnews" namespace, separator '.').</summary>
    public string Inbox => "user." + User;

    /// <summary>A logged-in plain-TCP connection to the Cyrus test server.</summary>
    public IMAP4 Connect()
    {
        var M = new IMAP4(Cyrus.Server.Host, Cyrus.Server.Port, timeout: 30);
        M.login(User, Password);
        return M;
    }
}
