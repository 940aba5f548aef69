namespace ImapLib.Tests.Support;

/// <summary>
/// The project's private Courier-IMAP 5 on loopback (Debian bookworm's, unpacked privately and run in a chroot of its
/// own by <c>scripts/courier.sh</c>, never installed: the package would start a system imapd on port 143): a third
/// implementation, with habits of its own (folders under <c>INBOX.</c>). Started once for the whole test run, on first
/// use, by <c>scripts/courier.sh start</c> (which downloads and unpacks Courier when it is missing) on port
/// <c>IMAPLIB_TEST_COURIER_PORT</c> (14330) from the folder <c>IMAPLIB_COURIER_DIR</c> (<c>imaplib-courier-tests</c> in
/// the temporary folder). Tests never skip for want of a server: if it cannot be started, the run fails. Like
/// <see cref="Dovecot"/> there is no teardown here: scripts/test.sh stops it after the whole run.
/// </summary>
public static class Courier
{
    private static readonly Lazy<CourierInfo> Started = new(StartServer, LazyThreadSafetyMode.ExecutionAndPublication);
    // The test server has a port of its own, so it never collides with one started by hand (14332).
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["IMAPLIB_COURIER_PORT"] = System.Environment.GetEnvironmentVariable("IMAPLIB_TEST_COURIER_PORT") ?? "14330",
    };
    private static int _users;

    /// <summary>The running server (started on first use).</summary>
    public static CourierInfo Server => Started.Value;

    /// <summary>A new account with <paramref name="password"/> (checked by Courier's authdaemon against a private
    /// userdb) and an empty Maildir.</summary>
    public static CourierAccount NewAccount(string password = "secret")
    {
        string name = $"k{System.Environment.ProcessId}x{Interlocked.Increment(ref _users)}x{Guid.NewGuid().ToString("N")[..6]}";
        Run("adduser", name, password, Server.Dir);
        return new CourierAccount(name, password);
    }

    /// <summary>The shell command that runs a preauthenticated IMAP session (greeting <c>* PREAUTH</c>) for
    /// <paramref name="user"/> on stdio: Courier's imapd on the user's Maildir, without login.</summary>
    public static string StdioCommand(string user) => Run("stdio-command", user, Server.Dir).Trim();

    private static string Run(params string[] args) => Repo.RunWith("scripts/courier.sh", Environment, args);

    private static CourierInfo StartServer()
    {
        var env = Repo.StartServer("scripts/courier.sh", Repo.TestDir("IMAPLIB_COURIER_DIR", "imaplib-courier-tests"), Environment);
        return new CourierInfo(env["IMAPLIB_COURIER_DIR"], env["IMAPLIB_COURIER_HOST"], int.Parse(env["IMAPLIB_COURIER_PORT"]));
    }
}

public sealed record CourierInfo(string Dir, string Host, int Port);

public sealed record CourierAccount(string User, string Password)
{
    /// <summary>A logged-in plain-TCP connection to the Courier test server.</summary>
    public IMAP4 Connect() => Repo.Login(Courier.Server.Host, Courier.Server.Port, User, Password);
}
