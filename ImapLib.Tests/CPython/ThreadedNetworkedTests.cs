using System.Text;
using H = ImapLib.Tests.CPython.NewIMAPTestsMixin;

namespace ImapLib.Tests.CPython;

/// <summary>
/// CPython's <c>ThreadedNetworkedTests</c> (the older style of the same scenarios: <c>reaped_server</c> and
/// <c>reaped_pair</c>), plain, and <see cref="ThreadedNetworkedTestsSSL"/> over TLS. The handlers are shared with
/// <see cref="NewIMAPTestsMixin"/>, as the Python classes are near-copies of each other.
/// </summary>
[NonParallelizable]   // test_dump_ur captures standard error, where _mesg writes
public abstract class ThreadedNetworkedTestsBase
{
    protected virtual bool Tls => false;

    protected virtual IMAP4 imap_class(string host, int port) => new IMAP4(host, port);

    private IMAP4 imap_class((string host, int port) address) => imap_class(address.host, address.port);

    /// <summary>Python's <c>reaped_server(hdlr)</c>: a server for the block, stopped and joined after it.</summary>
    protected void reaped_server(Func<StreamRequestHandler> hdlr, Action<TestTCPServer> body)
    {
        using var server = new TestTCPServer(hdlr, Tls);
        body(server);
    }

    /// <summary>Python's <c>reaped_pair(hdlr)</c>: a server and a connected client; the client logs out after the block.</summary>
    private void reaped_pair(Func<StreamRequestHandler> hdlr, Action<TestTCPServer, IMAP4> body) =>
        reaped_server(hdlr, server =>
        {
            using var client = imap_class(server.server_address);
            try { body(server, client); }
            finally { client.logout(); }
        });

    private sealed class BadLiteralHandler(long size) : SimpleIMAPHandler
    {
        public override void handle()
        {
            _send_textline($"* OK {{{size}}}");
            _send_textline("IMAP4rev1");
        }
    }

    [Test]
    public void test_truncated_large_literal()   // gh-119511 (CPython main): an announced size is not allocated up front
    {
        for (int exponent = 15; exponent < 64; exponent++)
        {
            long size = exponent == 63 ? long.MaxValue : 1L << exponent;
            reaped_server(() => new BadLiteralHandler(size),
                server => Assert.Throws<IMAP4.abort>(() => imap_class(server.server_address), $"size=2e{exponent}"));
        }
    }

    [Test]
    public void test_connect() => reaped_server(() => new SimpleIMAPHandler(), server =>
    {
        var client = imap_class(server.server_address);
        client.shutdown();
    });

    /// <summary>Tags with ']' in flags (issue 21815): RFC 3501 disallows them, Gmail and others produce them.</summary>
    private sealed class BracketFlagHandler : SimpleIMAPHandler
    {
        private readonly List<string> flags = ["Answered", "Flagged", "Deleted", "Seen", "Draft"];

        public void cmd_AUTHENTICATE(string tag, string[] args)
        {
            _send_textline("+");
            server.response = next_line();
            _send_tagged(tag, "OK", "FAKEAUTH successful");
        }

        public override void cmd_SELECT(string tag, string[] args)
        {
            string flag_msg = string.Join(" \\", flags);
            _send_line(Encoding.ASCII.GetBytes($"* FLAGS ({flag_msg})"));
            _send_line("* 2 EXISTS"u8.ToArray());
            _send_line("* 0 RECENT"u8.ToArray());
            _send_line(Encoding.ASCII.GetBytes($"* OK [PERMANENTFLAGS {flag_msg} \\*)] Flags permitted."));
            _send_tagged(tag, "OK", "[READ-WRITE] SELECT completed.");
        }

        public void cmd_STORE(string tag, string[] args)
        {
            flags.AddRange(args[2].Trim('(').Trim(')').Split(' ', StringSplitOptions.RemoveEmptyEntries));
            string flags_msg = $"(FLAGS ({string.Join(" \\", flags)}))";
            _send_line(Encoding.ASCII.GetBytes($"* {args[0]} FETCH {flags_msg}"));
            _send_tagged(tag, "OK", "STORE completed.");
        }
    }

    [Test]
    public void test_bracket_flags() => reaped_pair(() => new BracketFlagHandler(), (server, client) =>
    {
        var (code, _) = client.authenticate("MYAUTH", _ => "fake"u8.ToArray());
        Assert.That(code, Is.EqualTo("OK"));
        Assert.That(server.response, Is.EqualTo("ZmFrZQ==\r\n"u8.ToArray()));
        client.select("test");
        var (_, data) = client.store("1"u8.ToArray(), "+FLAGS", "[test]");
        Assert.That(data, Has.Count.EqualTo(1));   // Python: typ, [data] = ...
        Assert.That(Encoding.ASCII.GetString(data[0]!.Bytes), Does.Contain("[test]"));
        client.select("test");
        (_, data) = client.response("PERMANENTFLAGS");
        Assert.That(data, Has.Count.EqualTo(1));
        Assert.That(Encoding.ASCII.GetString(data[0]!.Bytes), Does.Contain("[test]"));
    });

    [Test]
    public void test_issue5949() => reaped_server(() => new H.EOFHandler(), server =>
        Assert.Throws<IMAP4.abort>(() => imap_class(server.server_address)));

    [Test]
    public void test_line_termination() => reaped_server(() => new H.BadNewlineHandler(), server =>
        Assert.Throws<IMAP4.abort>(() => imap_class(server.server_address)));

    [Test]
    public void test_enable_raises_error_if_not_AUTH() => reaped_pair(() => new H.UTF8Server(), (server, client) =>
    {
        Assert.That(client.utf8_enabled, Is.False);
        Assert.Throws<IMAP4.error>(() => client.enable("foo"));
        Assert.That(client.utf8_enabled, Is.False);
    });

    private sealed class NoEnableServer : SimpleIMAPHandler
    {
        public override string capabilities => "AUTH";
    }

    [Test]
    public void test_enable_raises_error_if_no_capability() => reaped_pair(() => new NoEnableServer(), (server, client) =>
        Assert.Throws<IMAP4.error>(() => client.enable("foo")));

    [Test]
    public void test_enable_UTF8_raises_error_if_not_supported() =>
        Assert.Throws<IMAP4.error>(() => reaped_pair(() => new SimpleIMAPHandler(), (server, client) =>
        {
            var (typ, _) = client.login("user", "pass");
            Assert.That(typ, Is.EqualTo("OK"));
            client.enable("UTF8=ACCEPT");
        }));

    [Test]
    public void test_enable_UTF8_True_append() => reaped_pair(() => new H.UTF8AppendServer(), (server, client) =>
    {
        Assert.That(client.utf8_enabled, Is.False);   // Python: client._encoding == 'ascii'
        var (code, _) = client.authenticate("MYAUTH", _ => "fake"u8.ToArray());
        Assert.That(code, Is.EqualTo("OK"));
        Assert.That(server.response, Is.EqualTo("ZmFrZQ==\r\n"u8.ToArray()));   // b64 encoded 'fake'
        (code, _) = client.enable("UTF8=ACCEPT");
        Assert.That(code, Is.EqualTo("OK"));
        Assert.That(client.utf8_enabled, Is.True);   // Python: client._encoding == 'utf-8'
        const string msg_string = "Subject: üñí©öðé";
        client.UseLiteralPlus = false;   // the handler answers the literal with "+"
        var (typ, _) = client.append(null, null, null, Encoding.UTF8.GetBytes(msg_string));
        Assert.That(typ, Is.EqualTo("OK"));
        // RFC 6855's form, as newer CPython sends it (3.11 put "UTF8 (" inside the literal): see NewIMAPTestsMixin.
        Assert.That(server.logged, Is.EqualTo($"INBOX UTF8 (~{{{Encoding.UTF8.GetByteCount(msg_string)}}}"));
        Assert.That(server.response, Is.EqualTo(Encoding.UTF8.GetBytes($"{msg_string})\r\n")));
    });

    [Test]
    public void test_search_disallows_charset_in_utf8_mode() => reaped_pair(() => new H.UTF8Server(), (server, client) =>
    {
        var (typ, _) = client.authenticate("MYAUTH", _ => "fake"u8.ToArray());
        Assert.That(typ, Is.EqualTo("OK"));
        (typ, _) = client.enable("UTF8=ACCEPT");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(client.utf8_enabled, Is.True);
        Assert.Throws<IMAP4.error>(() => client.search("foo", "bar"));
    });

    [Test]
    public void test_bad_auth_name() => reaped_pair(() => new H.UnknownMechanismServer(), (server, client) =>
        Assert.Throws<IMAP4.error>(() => client.authenticate("METHOD", _ => (byte[]?)null)));

    [Test]
    public void test_invalid_authentication() => reaped_pair(() => new H.InvalidAuthServer(), (server, client) =>
        Assert.Throws<IMAP4.error>(() => client.authenticate("MYAUTH", _ => "fake"u8.ToArray())));

    [Test]
    public void test_valid_authentication()
    {
        reaped_pair(() => new H.ValidAuthServer(), (server, client) =>
        {
            var (code, _) = client.authenticate("MYAUTH", _ => "fake"u8.ToArray());
            Assert.That(code, Is.EqualTo("OK"));
            Assert.That(server.response, Is.EqualTo("ZmFrZQ==\r\n"u8.ToArray()));   // b64 encoded 'fake'
        });
        reaped_pair(() => new H.ValidAuthServer(), (server, client) =>
        {
            var (code, _) = client.authenticate("MYAUTH", _ => "fake");
            Assert.That(code, Is.EqualTo("OK"));
            Assert.That(server.response, Is.EqualTo("ZmFrZQ==\r\n"u8.ToArray()));
        });
    }

    [Test]
    public void test_login_cram_md5()
    {
        reaped_pair(() => new H.CramMD5Handler(), (server, client) =>
        {
            Assert.That(client.capabilities, Does.Contain("AUTH=CRAM-MD5"));
            var (ret, _) = client.login_cram_md5("tim", "tanstaaftanstaaf");
            Assert.That(ret, Is.EqualTo("OK"));
        });
        reaped_pair(() => new H.CramMD5Handler(), (server, client) =>
        {
            Assert.That(client.capabilities, Does.Contain("AUTH=CRAM-MD5"));
            var (ret, _) = client.login_cram_md5("tim", "tanstaaftanstaaf"u8.ToArray());
            Assert.That(ret, Is.EqualTo("OK"));
        });
    }

    [Test]
    public void test_aborted_authentication() => reaped_pair(() => new H.AbortedAuthServer(), (server, client) =>
        Assert.Throws<IMAP4.error>(() => client.authenticate("MYAUTH", _ => (byte[]?)null)));

    private sealed class MaxLineHandler : SimpleIMAPHandler
    {
        // A response line of imaplib._MAXLINE x's after "* OK ": longer than the limit.
        public override void handle() => write(Encoding.ASCII.GetBytes("* OK " + new string('x', imaplib._MAXLINE) + "\r\n"));
    }

    [Test]
    public void test_linetoolong() => reaped_server(() => new MaxLineHandler(), server =>
        Assert.Throws<IMAP4.error>(() => imap_class(server.server_address)));

    [Test]
    public void test_simple_with_statement() => reaped_server(() => new SimpleIMAPHandler(), server =>
    {
        using (imap_class(server.server_address))
        {
        }
    });

    [Test]
    public void test_with_statement() => reaped_server(() => new SimpleIMAPHandler(), server =>
    {
        using (var imap = imap_class(server.server_address))
        {
            imap.login("user", "pass");
            Assert.That(server.logged, Is.EqualTo("user"));
        }
        Assert.That(server.logged, Is.Null);
    });

    [Test]
    public void test_with_statement_logout() => reaped_server(() => new SimpleIMAPHandler(), server =>
    {
        // What happens if the block already logged out?
        using (var imap = imap_class(server.server_address))
        {
            imap.login("user", "pass");
            Assert.That(server.logged, Is.EqualTo("user"));
            imap.logout();
            Assert.That(server.logged, Is.Null);
        }
        Assert.That(server.logged, Is.Null);
    });

    [Test]
    public void test_dump_ur() => reaped_server(() => new SimpleIMAPHandler(), server =>   // bpo-26543
    {
        var untagged_resp_dict = new Dictionary<string, List<ImapItem?>> { ["READ-WRITE"] = [ImapItem.FromBytes([])] };
        using var imap = imap_class(server.server_address);
        // Python patches _mesg with a mock; here _mesg's output (standard error) is captured.
        var saved = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try { imap._dump_ur(untagged_resp_dict); }
        finally { Console.SetError(saved); }
        Assert.That(captured.ToString().TrimEnd('\n'), Does.EndWith(" untagged responses dump:READ-WRITE: [b'']"));
    });
}

/// <summary>CPython's <c>ThreadedNetworkedTests</c>: plain TCP.</summary>
[TestFixture]
public class ThreadedNetworkedTests : ThreadedNetworkedTestsBase
{
}

/// <summary>CPython's <c>ThreadedNetworkedTestsSSL</c>: the same over TLS (with CPython's unverified default passed
/// explicitly, see <see cref="NewIMAPSSLTests"/>), plus certificate verification.</summary>
[TestFixture]
public class ThreadedNetworkedTestsSSL : ThreadedNetworkedTestsBase
{
    protected override bool Tls => true;

    protected override IMAP4 imap_class(string host, int port) =>
        new IMAP4_SSL(host, port, ssl_context: ssl._create_unverified_context());

    [Test]
    public void test_ssl_verified()
    {
        var ssl_context = ssl.create_default_context(cafile: TestCertificates.CAFILE);
        // Python: ssl.CertificateError "IP address mismatch"; ImapLib: abort naming the host (see NewIMAPSSLTests).
        reaped_server(() => new SimpleIMAPHandler(), server =>
            Assert.That(() => new IMAP4_SSL(server.server_address.host, server.server_address.port, ssl_context: ssl_context),
                Throws.TypeOf<IMAP4.abort>().With.Message.Contains("127.0.0.1")));
        reaped_server(() => new SimpleIMAPHandler(), server =>
        {
            var client = new IMAP4_SSL("localhost", server.server_address.port, ssl_context: ssl_context);
            client.shutdown();
        });
    }
}
