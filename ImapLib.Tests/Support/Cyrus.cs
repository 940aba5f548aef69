namespace ImapLib.Tests.Support;

/// <summary>
/// The project's private Cyrus IMAP servers on loopback, unpacked privately by <c>scripts/cyrus.sh</c>, never installed
/// (Debian's package would remove Dovecot). <see cref="Cyrus"/> itself is Debian's 3.6: the second, different real
/// server, for what Dovecot lacks (GETANNOTATION/SETANNOTATION, SETQUOTA on any quota root as an admin).
/// <see cref="V310"/> is 3.10 from bookworm-backports, a server that really speaks IMAP4rev2. Each is started once for
/// the whole test run, on first use, by <c>scripts/cyrus.sh start</c> (which downloads and unpacks Cyrus when it is
/// missing). Tests never skip for want of a server: if it cannot be started, the run fails. Like <see cref="Dovecot"/>
/// there is no teardown here (overlapping runs must not stop each other's server): scripts/test.sh stops them after
/// the whole run.
/// </summary>
public static class Cyrus
{
    /// <summary>Cyrus 3.6 (Debian bookworm's): port <c>IMAPLIB_TEST_CYRUS_PORT</c> (14321), folder
    /// <c>IMAPLIB_CYRUS_DIR</c> (<c>imaplib-cyrus-tests</c> in the temporary folder).</summary>
    public static CyrusServer V36 { get; } = new("3.6", "IMAPLIB_TEST_CYRUS_PORT", "14321", "IMAPLIB_CYRUS_DIR", "imaplib-cyrus-tests");

    /// <summary>Cyrus 3.10 (bookworm-backports; IMAP4rev2): port <c>IMAPLIB_TEST_CYRUS310_PORT</c> (14322), folder
    /// <c>IMAPLIB_CYRUS310_DIR</c> (<c>imaplib-cyrus310-tests</c> in the temporary folder).</summary>
    public static CyrusServer V310 { get; } = new("3.10", "IMAPLIB_TEST_CYRUS310_PORT", "14322", "IMAPLIB_CYRUS310_DIR", "imaplib-cyrus310-tests");

    /// <summary>The running 3.6 server (started on first use).</summary>
    public static CyrusInfo Server => V36.Server;

    /// <summary>A new ordinary account on the 3.6 server; see <see cref="CyrusServer.NewAccount"/>.</summary>
    public static CyrusAccount NewAccount(string password = "secret") => V36.NewAccount(password);

    /// <summary>A logged-in admin connection to the 3.6 server; see <see cref="CyrusServer.ConnectAdmin"/>.</summary>
    public static IMAP4 ConnectAdmin() => V36.ConnectAdmin();
}

/// <summary>One private Cyrus server of <see cref="Cyrus"/>: a version with its own port and folder.</summary>
public sealed class CyrusServer
{
    private readonly Lazy<CyrusInfo> _started;
    private readonly Dictionary<string, string> _environment;
    private readonly string _dir;
    private int _users;

    internal CyrusServer(string version, string portVariable, string defaultPort, string dirVariable, string dirName)
    {
        // The test servers have ports of their own, so they never collide with one started by hand (14320, 14324).
        _environment = new()
        {
            ["IMAPLIB_CYRUS_VERSION"] = version,
            ["IMAPLIB_CYRUS_PORT"] = Environment.GetEnvironmentVariable(portVariable) ?? defaultPort,
        };
        _dir = Repo.TestDir(dirVariable, dirName);
        _started = new(StartServer, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The running server (started on first use).</summary>
    public CyrusInfo Server => _started.Value;

    /// <summary>A new ordinary account with <paramref name="password"/>; its INBOX (<c>user.NAME</c>) is created by
    /// Cyrus at its first login.</summary>
    public CyrusAccount NewAccount(string password = "secret")
    {
        string name = $"c{Environment.ProcessId}x{Interlocked.Increment(ref _users)}x{Guid.NewGuid().ToString("N")[..6]}";
        Repo.RunWith("scripts/cyrus.sh", _environment, "adduser", name, password, Server.Dir);
        return new CyrusAccount(name, password, Server);
    }

    /// <summary>A logged-in connection of the server's admin (listed in imapd.conf's <c>admins</c>): it may create
    /// <c>user.*</c> mailboxes and set quotas and annotations, but has no rights to read other users' mail.</summary>
    public IMAP4 ConnectAdmin() => Repo.Login(Server.Host, Server.Port, Server.Admin, Server.AdminPassword);

    private CyrusInfo StartServer()
    {
        var env = Repo.StartServer("scripts/cyrus.sh", _dir, _environment);
        return new CyrusInfo(env["IMAPLIB_CYRUS_DIR"], env["IMAPLIB_CYRUS_HOST"], int.Parse(env["IMAPLIB_CYRUS_PORT"]),
            env["IMAPLIB_CYRUS_ADMIN"], env["IMAPLIB_CYRUS_ADMIN_PASSWORD"], env["IMAPLIB_CYRUS_VERSION"]);
    }
}

public sealed record CyrusInfo(string Dir, string Host, int Port, string Admin, string AdminPassword, string Version);

public sealed record CyrusAccount(string User, string Password, CyrusInfo Server)
{
    /// <summary>The account's INBOX as the admin names it (Cyrus's "netnews" namespace, separator '.').</summary>
    public string Inbox => "user." + User;

    /// <summary>A logged-in plain-TCP connection to the account's Cyrus server.</summary>
    public IMAP4 Connect() => Repo.Login(Server.Host, Server.Port, User, Password);
}
