using ImapLib.Tests.Support;

namespace ImapLib.Tests.CPython;

/// <summary>
/// CPython's <c>RemoteIMAPTest</c> family talks to cyrus.andrew.cmu.edu (and is skipped there: the host blocks
/// connections). The nearest equivalent that can run is the project's own Dovecot: the same tests against it,
/// with an account of its own instead of Cyrus's anonymous login, and the project's CA where CPython 3.11 did
/// not verify. Cyrus-only capabilities (LOGINDISABLED before TLS, AUTH=ANONYMOUS) become this server's facts:
/// plain-text login allowed on loopback, AUTH=PLAIN offered.
/// </summary>
[Category("Server")]
public abstract class RemoteIMAPTestBase
{
    protected static DovecotInfo host => Dovecot.Server;
    protected Account account = null!;
    protected IMAP4? server;

    [SetUp]
    public virtual void setUp()
    {
        account = Dovecot.NewAccount();
        server = new IMAP4(host.Host, host.Port);
    }

    [TearDown]
    public virtual void tearDown()
    {
        server?.logout();
        server?.Dispose();
    }

    [Test]
    public virtual void test_logincapa()
    {
        Assert.That(server!.capabilities, Is.Not.Empty.And.All.Not.Empty);   // Python: each one is a str
        Assert.That(server.capabilities, Does.Not.Contain("LOGINDISABLED"));   // Cyrus: contains it
        Assert.That(server.capabilities, Does.Contain("AUTH=PLAIN"));          // Cyrus: AUTH=ANONYMOUS
        var rs = server.login(account.User, account.Password);
        Assert.That(rs.typ, Is.EqualTo("OK"));
    }

    [Test]
    public void test_logout()
    {
        var rs = server!.logout();
        server.Dispose();
        server = null;
        Assert.That(rs.typ, Is.EqualTo("BYE"), rs.ToString());
    }
}

/// <summary>CPython's <c>RemoteIMAPTest</c>: plain IMAP on port 143 (here Dovecot's plain port).</summary>
[TestFixture]
public class RemoteIMAPTest : RemoteIMAPTestBase
{
}

/// <summary>CPython's <c>RemoteIMAP_STARTTLSTest</c>: the same after STARTTLS.</summary>
[TestFixture]
public class RemoteIMAP_STARTTLSTest : RemoteIMAPTestBase
{
    public override void setUp()
    {
        base.setUp();
        var rs = server!.starttls(ssl.create_default_context(cafile: host.CaFile));
        Assert.That(rs.typ, Is.EqualTo("OK"));
    }

    [Test]
    public override void test_logincapa()
    {
        Assert.That(server!.capabilities, Is.Not.Empty.And.All.Not.Empty);
        Assert.That(server.capabilities, Does.Not.Contain("LOGINDISABLED"));
    }
}

/// <summary>CPython's <c>RemoteIMAP_SSLTest</c>: implicit TLS on port 993 (here Dovecot's TLS port).</summary>
[TestFixture]
[Category("Server")]
public class RemoteIMAP_SSLTest
{
    private static DovecotInfo host => Dovecot.Server;

    /// <summary>Python's <c>create_ssl_context()</c>: a context with a client certificate chain loaded. CPython's
    /// turns verification off; here it trusts the project's CA and presents Dovecot's test client certificate.</summary>
    private static System.Net.Security.SslClientAuthenticationOptions create_ssl_context() =>
        ssl.create_default_context(cafile: host.CaFile, certfile: host.ClientCert, keyfile: host.ClientKey);

    private static IMAP4_SSL imap_class(string? keyfile = null, string? certfile = null,
        System.Net.Security.SslClientAuthenticationOptions? ssl_context = null) =>
        new(host.Host, host.SslPort, keyfile, certfile, ssl_context ?? ssl.create_default_context(cafile: host.CaFile));

    private static void check_logincapa(IMAP4 server, Account account)
    {
        try
        {
            Assert.That(server.capabilities, Is.Not.Empty.And.All.Not.Empty);
            Assert.That(server.capabilities, Does.Not.Contain("LOGINDISABLED"));
            Assert.That(server.capabilities, Does.Contain("AUTH=PLAIN"));
            var rs = server.login(account.User, account.Password);
            Assert.That(rs.typ, Is.EqualTo("OK"));
        }
        finally
        {
            server.logout();
        }
    }

    [Test]
    public void test_logincapa()
    {
        using var _server = imap_class();
        check_logincapa(_server, Dovecot.NewAccount());
    }

    [Test]
    public void test_logout()
    {
        using var _server = imap_class();
        var rs = _server.logout();
        Assert.That(rs.typ, Is.EqualTo("BYE"), rs.ToString());
    }

    [Test]
    public void test_ssl_context_certfile_exclusive() =>   // Python: ValueError
        Assert.Throws<ArgumentException>(() => imap_class(certfile: host.ClientCert, ssl_context: create_ssl_context()));

    [Test]
    public void test_ssl_context_keyfile_exclusive() =>
        Assert.Throws<ArgumentException>(() => imap_class(keyfile: host.ClientKey, ssl_context: create_ssl_context()));
}
