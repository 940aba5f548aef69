using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ImapLib.Testing;
using ImapLib.Tests.Support;
using Moq;
using Transcript = ImapLib.Testing.Transcript;

namespace ImapLib.Tests;

/// <summary>
/// The behaviours CPython 3.11's Lib/test/test_imaplib.py checks, ported to scripted fake servers, plus the
/// neighbouring cases its server handlers imply (greetings, aborts, state rules, read-only switches, BYE).
/// </summary>
public class CPythonBehaviourTests
{
    // ---- Greetings --------------------------------------------------------------------------------------

    [Test]
    public void Junk_greeting_is_an_abort_and_the_constructor_closes_the_socket()
    {
        bool closed = false;
        using var server = new FakeServer(s =>
        {
            s.Line("hello there, I am not IMAP");
            closed = s.ClientClosed();
        });
        var ex = Assert.Throws<IMAP4.abort>(() => Fake.Connect(server));
        Assert.That(ex!.Message, Is.EqualTo("unexpected response: b'hello there, I am not IMAP'"));
        server.Join();
        Assert.That(closed, Is.True, "the socket must be closed when the constructor throws");
    }

    [Test]
    public void BYE_greeting_is_an_error_naming_the_greeting_and_closes_the_socket()
    {
        bool closed = false;
        using var server = new FakeServer(s =>
        {
            s.Line("* BYE too busy, go away");
            closed = s.ClientClosed();
        });
        var ex = Assert.Throws<IMAP4.error>(() => Fake.Connect(server));
        Assert.That(ex, Is.Not.InstanceOf<IMAP4.abort>());
        // CPython: error(welcome), shown as b'* BYE too busy, go away'; the message must name the greeting.
        Assert.That(ex!.Message, Does.Contain("* BYE too busy, go away"));
        server.Join();
        Assert.That(closed, Is.True);
    }

    [Test]
    public void Untagged_greeting_of_another_kind_is_an_error()
    {
        using var server = new FakeServer(s =>
        {
            s.Line("* NO not now");
            s.ClientClosed();
        });
        var ex = Assert.Throws<IMAP4.error>(() => Fake.Connect(server));
        Assert.That(ex!.Message, Does.Contain("* NO not now"));
        server.Join();
    }

    [Test]
    public void EOF_without_complete_welcome_message_is_an_abort()   // bpo-5949
    {
        bool closed = false;
        using var server = new FakeServer(s =>
        {
            s.Send("* OK");
            s.Stream.Socket.Shutdown(SocketShutdown.Send);
            closed = s.ClientClosed();
        });
        var ex = Assert.Throws<IMAP4.abort>(() => Fake.Connect(server));
        Assert.That(ex!.Message, Is.EqualTo("socket error: unterminated line: b'* OK'"));
        server.Join();
        Assert.That(closed, Is.True);
    }

    [Test]
    public void Connection_closed_before_any_greeting_is_an_abort_EOF()
    {
        using var server = new FakeServer(s => { });
        var ex = Assert.Throws<IMAP4.abort>(() => Fake.Connect(server));
        Assert.That(ex!.Message, Is.EqualTo("socket error: EOF"));
        server.Join();
    }

    [Test]
    public void PREAUTH_greeting_gives_state_AUTH()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting(greeting: "* PREAUTH IMAP4rev1 server logged in as Smith") + """
            C: {tag} SELECT INBOX
            S: * 2 EXISTS
            S: {tag} OK [READ-WRITE] SELECT completed.
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(M.welcome, Is.EqualTo(Fake.Bytes("* PREAUTH IMAP4rev1 server logged in as Smith")));
        var (typ, data) = M.select();
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        Assert.That(M.state, Is.EqualTo("SELECTED"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void OK_greeting_gives_NONAUTH_and_capabilities_are_upper_cased()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting("imap4rev1 Idle AUTH=PLAIN") + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.That(M.welcome, Is.EqualTo(Fake.Bytes("* OK fake server ready")));
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "IDLE", "AUTH=PLAIN" }));
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV1"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Plain_IMAP4_server_is_accepted_with_protocol_version_IMAP4()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting("IMAP4 AUTH=LOGIN") + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Server_without_an_IMAP4_capability_is_not_IMAP4_compliant()
    {
        bool closed = false;
        using var server = new FakeServer(s =>
        {
            s.Greet(capabilities: "IMAP2 AUTH=PLAIN");
            closed = s.ClientClosed();
        });
        var ex = Assert.Throws<IMAP4.error>(() => Fake.Connect(server));
        Assert.That(ex!.Message, Is.EqualTo("server not IMAP4 compliant"));
        server.Join();
        Assert.That(closed, Is.True);
    }

    [Test]
    public void Missing_CAPABILITY_response_is_an_error()
    {
        using var server = TranscriptServer.Start(Transcript.Parse("""
            S: * OK hi
            C: {tag} CAPABILITY
            S: {tag} OK no capabilities today
            """));
        var ex = Assert.Throws<IMAP4.error>(() => new IMAP4(server.Host, server.Port, 5));
        Assert.That(ex!.Message, Is.EqualTo("no CAPABILITY response from server"));
        server.AssertComplete();
    }

    [Test]
    public void Line_terminated_by_bare_LF_is_an_abort()   // test_line_termination
    {
        using var server = TranscriptServer.Start(Transcript.Parse("""
            S: * OK IMAP4rev1
            C: {tag} CAPABILITY
            S! * CAPABILITY IMAP4rev1 AUTH\n
            S: {tag} OK CAPABILITY completed
            """));
        var ex = Assert.Throws<IMAP4.abort>(() => new IMAP4(server.Host, server.Port, 5));
        Assert.That(ex!.Message, Is.EqualTo("command: CAPABILITY => socket error: unterminated line: b'* CAPABILITY IMAP4rev1 AUTH\\n'"));
        server.AssertComplete();
    }

    [Test]
    public void Greeting_longer_than_MAXLINE_is_an_error_not_an_abort()   // test_linetoolong
    {
        bool closed = false;
        using var server = new FakeServer(s =>
        {
            try
            {
                s.Send("* OK " + new string('x', imaplib._MAXLINE) + "\r\n");
            }
            catch (IOException) { /* the client may reset the connection while we write */ }
            closed = s.ClientClosed();
        });
        var ex = Assert.Throws<IMAP4.error>(() => Fake.Connect(server));
        Assert.That(ex, Is.Not.InstanceOf<IMAP4.abort>());
        Assert.That(ex!.Message, Is.EqualTo("got more than 1000000 bytes"));
        server.Join();
        Assert.That(closed, Is.True);
    }

    [Test]
    public void Response_line_longer_than_MAXLINE_during_a_command_is_an_error()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet();
            s.Next("NOOP");
            try
            {
                s.Send("* 1 FETCH (X " + new string('y', 1_000_100) + ")\r\n");
            }
            catch (IOException) { }
            s.ClientClosed();
        });
        var M = Fake.Connect(server);
        var ex = Assert.Throws<IMAP4.error>(() => M.noop());
        Assert.That(ex, Is.Not.InstanceOf<IMAP4.abort>());
        Assert.That(ex!.Message, Is.EqualTo("command: NOOP => got more than 1000000 bytes"));
        M.shutdown();
        server.Join();
    }

    [Test]
    public void Timeout_while_waiting_for_the_greeting_is_an_abort_and_quick()   // test_imaplib_timeout_functionality_test
    {
        using var server = new FakeServer(s =>
        {
            s.ClientClosed(3000);
        });
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<IMAP4.abort>(() => new IMAP4("127.0.0.1", server.Port, timeout: 0.2));
        Assert.That(ex!.Message, Is.EqualTo("socket error: timed out"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)));
        server.Join();
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    public void Timeout_of_zero_or_less_is_an_ArgumentException_before_connecting(double timeout)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var ex = Assert.Throws<ArgumentException>(() => new IMAP4("127.0.0.1", port, timeout: timeout));
            Assert.That(ex!.Message, Does.StartWith("Non-blocking socket (timeout=0) is not supported"));
            Thread.Sleep(50);   // proving an absence: a connection attempt, were there one, would be pending by now
            Assert.That(listener.Pending(), Is.False, "no connection may be attempted");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public void Timeout_is_applied_to_the_socket()   // test_imaplib_timeout_test
    {
        using var server = new FakeServer(s =>
        {
            s.Greet();
            s.ClientClosed();
        }, connections: 2);
        var M = new IMAP4("127.0.0.1", server.Port, timeout: 2.5);
        Assert.That(M.timeout, Is.EqualTo(2.5));
        Assert.That(M.socket().ReceiveTimeout, Is.EqualTo(2500));
        Assert.That(M.socket().SendTimeout, Is.EqualTo(2500));
        Assert.That(M.socket().NoDelay, Is.True);
        M.shutdown();
        M = new IMAP4("127.0.0.1", server.Port);
        Assert.That(M.timeout, Is.Null);
        Assert.That(M.socket().ReceiveTimeout, Is.EqualTo(0));
        M.shutdown();
        server.Join();
    }

    [Test]
    public void Empty_host_means_the_local_host()   // test_imap4_host_default_value, with a server listening
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + Scripts.Logout));
        using var M = new IMAP4("", server.Port, timeout: 5);
        Assert.That(M.host, Is.EqualTo(""));
        Assert.That(M.port, Is.EqualTo(server.Port));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Connection_refused_is_a_socket_error_not_an_IMAP_error()   // test_imap4_host_default_value
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var ex = Assert.Throws<SocketException>(() => new IMAP4("127.0.0.1", port, timeout: 5));
        Assert.That(ex!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
    }

    // ---- ENABLE and UTF-8 mode -------------------------------------------------------------------------

    [Test]
    public void Enable_raises_error_if_not_AUTH()
    {
        // The next command must be LOGOUT: an ENABLE would be a mismatch.
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting("IMAP4rev1 AUTH ENABLE UTF8=ACCEPT") + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.That(M.utf8_enabled, Is.False);
        var ex = Assert.Throws<IMAP4.error>(() => M.enable("foo"));
        Assert.That(ex!.Message, Is.EqualTo("command ENABLE illegal in state NONAUTH, only allowed in states AUTH"));
        Assert.That(M.utf8_enabled, Is.False);
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Enable_raises_error_if_no_capability()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet(capabilities: "IMAP4rev1 AUTH");
            var login = s.Next("LOGIN");
            s.Line(login.Tag + " OK LOGIN completed");
            s.Logout();
        });
        using var M = Fake.Connect(server);
        M.login("user", "pass");
        var ex = Assert.Throws<IMAP4.error>(() => M.enable("UTF8=ACCEPT"));
        Assert.That(ex!.Message, Is.EqualTo("Server does not support ENABLE"));
        Assert.That(M.utf8_enabled, Is.False);
        M.logout();
        server.Join();
        Assert.That(server.ReceivedText, Does.Not.Contain("ENABLE"));
    }

    [Test]
    public void Enable_UTF8_switches_the_encoding_of_arguments_and_forbids_search_charsets()
    {
        const string caps = "IMAP4rev1 AUTH ENABLE UTF8=ACCEPT";
        // CREATE illegal in NONAUTH sends nothing, and no SEARCH is sent: either would be a mismatch. The mailbox name
        // goes as UTF-8.
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting(caps) + """
            C: {tag} AUTHENTICATE MYAUTH
            S: +
            C: ZmFrZQ==
            S: {tag} OK FAKEAUTH successful
            """ + "\n" + Scripts.Capability(caps) + """
            C: {tag} ENABLE UTF8=ACCEPT
            S: * ENABLED UTF8=ACCEPT
            S: {tag} OK ENABLE successful
            C: {tag} CREATE "Entwürfe 下書き"
            S: {tag} OK done
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.Throws<IMAP4.error>(() => M.create("Entwürfe"));   // illegal in NONAUTH: nothing is sent
        var (typ, _) = M.authenticate("myauth", (Func<byte[], byte[]?>)(_ => Fake.Bytes("fake")));
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(M.utf8_enabled, Is.False);
        (typ, _) = M.enable("UTF8=ACCEPT");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.utf8_enabled, Is.True);
        Assert.That(M.response("ENABLED").data, Is.EqualTo(new[] { ImapItem.FromString("UTF8=ACCEPT") }));
        Assert.That(M.create("Entwürfe 下書き").typ, Is.EqualTo("OK"));
        var ex = Assert.Throws<IMAP4.error>(() => M.search("UTF-8", "SUBJECT", "x"));
        Assert.That(ex!.Message, Is.EqualTo("Non-None charset not valid in UTF8 mode"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Append_in_UTF8_mode_uses_the_RFC_6855_form()   // test_enable_UTF8_True_append, newest CPython
    {
        // CPython 3.11 sent b'UTF8 (' + message + b')' inside a plain literal (which stores a corrupted message);
        // the project follows newer CPython and RFC 6855: APPEND INBOX UTF8 (~{n}<message>).
        const string msg = "Subject: üñí©öðé";
        byte[] expected = Encoding.UTF8.GetBytes(msg);
        const string caps = "IMAP4rev1 ENABLE UTF8=ACCEPT";
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting(caps, "* PREAUTH hi") + $$"""
            C: {tag} ENABLE UTF8=ACCEPT
            S: {tag} OK ENABLE successful
            C: {tag} APPEND INBOX UTF8 (~{{{expected.Length}}}
            S: +
            C: {{msg}})
            S: {tag} OK okay
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.That(M.enable("UTF8=ACCEPT").typ, Is.EqualTo("OK"));
        var (typ, _) = M.append(null, null, null, expected);
        Assert.That(typ, Is.EqualTo("OK"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Enable_answered_NO_leaves_ASCII_mode()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting("IMAP4rev1 ENABLE", "* PREAUTH hi") + """
            C: {tag} ENABLE UTF8=ACCEPT
            S: {tag} NO not today
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        var (typ, data) = M.enable("UTF8=ACCEPT");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("not today") }));
        Assert.That(M.utf8_enabled, Is.False);
        M.logout();
        server.AssertComplete();
    }

    // ---- LOGIN -----------------------------------------------------------------------------------------

    [Test]
    public void Login_sends_the_password_quoted_with_quotes_and_backslashes_escaped()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} LOGIN user "pa\"ss\\wo rd\\"
            S: {tag} OK LOGIN completed
            """ + "\n" + Scripts.Capability() + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        var (typ, data) = M.login("user", "pa\"ss\\wo rd\\");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("LOGIN completed") }));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Capabilities_are_re_read_after_login_unless_the_server_announced_them()
    {
        // Newer CPython (which the project follows; 3.11 never re-reads): a CAPABILITY response code in the
        // greeting or the LOGIN reply is used as it is, otherwise CAPABILITY is asked again after authenticating.
        using var server = TranscriptServer.Start(Transcript.Parse("""
            S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
            # no CAPABILITY command before LOGIN: the greeting announced them
            C: {tag} LOGIN user "pass"
            S: {tag} OK LOGIN completed
            # the LOGIN reply did not announce them
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 MOVE IDLE
            S: {tag} OK CAPABILITY completed
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "AUTH=PLAIN" }));
        M.login("user", "pass");
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "MOVE", "IDLE" }));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Capabilities_announced_in_the_LOGIN_reply_are_used_without_asking()
    {
        // One CAPABILITY command (after the greeting): a second one where the transcript has NOOP would be a mismatch.
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} LOGIN user "pass"
            S: {tag} OK [CAPABILITY IMAP4rev1 ENABLE QUOTA] Logged in
            C: {tag} NOOP
            S: {tag} OK NOOP completed
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        M.login("user", "pass");
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "ENABLE", "QUOTA" }));
        M.noop();
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Login_password_that_is_already_quoted_is_quoted_again()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} LOGIN user "\"secret\""
            S: {tag} OK LOGIN completed
            """ + "\n" + Scripts.Capability() + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        M.login("user", "\"secret\"");
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Login_answered_NO_raises_error_with_the_response_text()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} LOGIN user "wrong"
            S: {tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.error>(() => M.login("user", "wrong"));
        Assert.That(ex, Is.Not.InstanceOf<IMAP4.abort>());
        // CPython 3.11 shows the bytes' repr (b'...'); newer versions the text. Either way the text is there.
        Assert.That(ex!.Message, Does.Contain("[AUTHENTICATIONFAILED] Invalid credentials (Failure)"));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        M.logout();
        server.AssertComplete();
    }

    // ---- AUTHENTICATE ----------------------------------------------------------------------------------

    [Test]
    public void Authenticate_passes_decoded_challenges_to_the_callback_and_sends_base64_answers()
    {
        byte[] challenge1 = Fake.Bytes("first challenge");
        byte[] challenge2 = [0x00, 0x01, 0xfe, 0xff, (byte)'z'];
        byte[] answer1 = Encoding.UTF8.GetBytes("réponse un");
        byte[] answer2 = [];
        using var server = new FakeServer(s =>
        {
            s.Greet();
            var auth = s.Next("AUTHENTICATE");
            Assert.That(auth.Args, Is.EqualTo("X-TWO-STEP"));
            s.Line("+ " + Fake.B64(challenge1));
            Assert.That(s.ReadLine(), Is.EqualTo(Fake.B64(answer1)));
            s.Line("+ " + Fake.B64(challenge2));
            Assert.That(s.ReadLine(), Is.EqualTo(""));   // an empty answer is an empty line
            s.Line(auth.Tag + " OK authenticated");
            s.Logout();
        });
        var callback = new Mock<Func<byte[], byte[]?>>(MockBehavior.Strict);
        callback.Setup(f => f(It.Is<byte[]>(c => Fake.Same(c, challenge1)))).Returns(answer1);
        callback.Setup(f => f(It.Is<byte[]>(c => Fake.Same(c, challenge2)))).Returns(answer2);
        using var M = Fake.Connect(server);
        var (typ, data) = M.authenticate("x-two-step", callback.Object);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("authenticated") }));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        callback.Verify(f => f(It.Is<byte[]>(c => Fake.Same(c, challenge1))), Times.Once);
        callback.Verify(f => f(It.Is<byte[]>(c => Fake.Same(c, challenge2))), Times.Once);
        callback.VerifyNoOtherCalls();
        M.logout();
        server.Join();
    }

    [Test]
    public void Authenticate_with_an_empty_continuation_gives_the_callback_an_empty_challenge()   // test_valid_authentication_bytes
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} AUTHENTICATE MYAUTH
            S: +
            C: ZmFrZQ==
            S: {tag} OK FAKEAUTH successful
            """ + "\n" + Scripts.Capability() + Scripts.Logout));
        var callback = new Mock<Func<byte[], byte[]?>>();
        callback.Setup(f => f(It.IsAny<byte[]>())).Returns(Fake.Bytes("fake"));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.That(M.authenticate("MYAUTH", callback.Object).typ, Is.EqualTo("OK"));
        callback.Verify(f => f(It.Is<byte[]>(c => c.Length == 0)), Times.Once);
        callback.VerifyNoOtherCalls();
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Authenticate_with_a_text_callback_sends_its_UTF8_bytes()   // test_valid_authentication_plain_text
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} AUTHENTICATE MYAUTH
            S: + 
            C: ZmFrZQ==
            S: {tag} OK FAKEAUTH successful
            """ + "\n" + Scripts.Capability() + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.That(M.authenticate("MYAUTH", (Func<byte[], string?>)(_ => "fake")).typ, Is.EqualTo("OK"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Authenticate_with_unknown_mechanism_raises_error_without_calling_back()   // test_bad_auth_name
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} AUTHENTICATE METHOD
            S: {tag} NO unrecognized authentication type METHOD
            """ + "\n" + Scripts.Logout));
        var callback = new Mock<Func<byte[], byte[]?>>(MockBehavior.Strict);
        using var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.error>(() => M.authenticate("METHOD", callback.Object));
        Assert.That(ex!.Message, Is.EqualTo("unrecognized authentication type METHOD"));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        callback.VerifyNoOtherCalls();
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Authenticate_answered_NO_raises_error_with_the_text()   // test_invalid_authentication
    {
        using var server = new FakeServer(s =>
        {
            s.Greet();
            var auth = s.Next("AUTHENTICATE");
            s.Line("+");
            s.ReadLine();
            s.Line(auth.Tag + " NO [AUTHENTICATIONFAILED] invalid");
            s.Logout();
        });
        using var M = Fake.Connect(server);
        var ex = Assert.Throws<IMAP4.error>(() => M.authenticate("MYAUTH", (Func<byte[], byte[]?>)(_ => Fake.Bytes("fake"))));
        Assert.That(ex!.Message, Is.EqualTo("[AUTHENTICATIONFAILED] invalid"));
        M.logout();
        server.Join();
    }

    [Test]
    public void Authenticate_callback_returning_null_sends_star_and_NO_raises()   // test_aborted_authentication
    {
        using var server = new FakeServer(s =>
        {
            s.Greet();
            var auth = s.Next("AUTHENTICATE");
            s.Line("+ " + Fake.B64("ready?"));
            Assert.That(s.ReadLine(), Is.EqualTo("*"));
            s.Line(auth.Tag + " NO [AUTHENTICATIONFAILED] aborted");
            s.Logout();
        });
        var callback = new Mock<Func<byte[], byte[]?>>();
        callback.Setup(f => f(It.IsAny<byte[]>())).Returns((byte[]?)null);
        using var M = Fake.Connect(server);
        var ex = Assert.Throws<IMAP4.error>(() => M.authenticate("MYAUTH", callback.Object));
        Assert.That(ex!.Message, Is.EqualTo("[AUTHENTICATIONFAILED] aborted"));
        callback.Verify(f => f(It.Is<byte[]>(c => Fake.Same(c, Fake.Bytes("ready?")))), Times.Once);
        M.logout();
        server.Join();
    }

    [Test]
    public void Authenticate_callback_returning_null_sends_star_and_BAD_raises_command_error()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet();
            var auth = s.Next("AUTHENTICATE");
            s.Line("+");
            Assert.That(s.ReadLine(), Is.EqualTo("*"));
            s.Line(auth.Tag + " BAD AUTHENTICATE cancelled");
            s.Logout();
        });
        using var M = Fake.Connect(server);
        var ex = Assert.Throws<IMAP4.error>(() => M.authenticate("MYAUTH", (Func<byte[], byte[]?>)(_ => null)));
        Assert.That(ex!.Message, Is.EqualTo("AUTHENTICATE command error: BAD [b'AUTHENTICATE cancelled']"));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        M.logout();
        server.Join();
    }

    // RFC 2195's example, and CPython's test_login_cram_md5 (whose challenge lacks the closing '>').
    [TestCase("<1896.697170952@postoffice.reston.mci.net>", "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw")]
    [TestCase("<1896.697170952@postoffice.reston.mci.net", "dGltIGYxY2E2YmU0NjRiOWVmYTFjY2E2ZmZkNmNmMmQ5ZjMy")]
    public void Login_cram_md5_answers_as_RFC_2195_does(string challenge, string knownAnswer)
    {
        string expected = "tim " + Convert.ToHexStringLower(HMACMD5.HashData(Encoding.UTF8.GetBytes("tanstaaftanstaaf"), Encoding.ASCII.GetBytes(challenge)));
        Assert.That(Fake.B64(expected), Is.EqualTo(knownAnswer));
        // The answer is exactly the expected one (never the password): anything else is a mismatch.
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting("IMAP4rev1 LOGINDISABLED AUTH=CRAM-MD5") + $$"""
            C: {tag} AUTHENTICATE CRAM-MD5
            S: + {{Fake.B64(challenge)}}
            C: {{Fake.B64(expected)}}
            S: {tag} OK CRAM-MD5 successful
            """ + "\n" + Scripts.Capability() + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.That(M.capabilities, Does.Contain("AUTH=CRAM-MD5"));
        var (typ, data) = M.login_cram_md5("tim", "tanstaaftanstaaf");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("CRAM-MD5 successful") }));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Login_cram_md5_with_a_wrong_password_raises_error()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting("IMAP4rev1 AUTH=CRAM-MD5") + """
            C: {tag} AUTHENTICATE CRAM-MD5
            S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ=
            # not the right answer, dGltIGYxY2E2YmU0NjRiOWVmYTFjY2E2ZmZkNmNmMmQ5ZjMy
            C: {secret}
            S: {tag} NO No access
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.error>(() => M.login_cram_md5("tim", "wrong"));
        Assert.That(ex!.Message, Is.EqualTo("No access"));
        M.logout();
        server.AssertComplete();
    }

    // ---- Broken connections and protocol errors ------------------------------------------------------

    [Test]
    public void Connection_closed_mid_response_is_an_abort_EOF()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} NOOP
            S: * 3 EXISTS
            @close
            """));
        var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(ex!.Message, Is.EqualTo("command: NOOP => socket error: EOF"));
        M.shutdown();
        server.AssertComplete();
    }

    [Test]
    public void Connection_closed_mid_literal_is_an_abort()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} NOOP
            S: * 1 FETCH (BODY[] {100}
            S! only twenty bytes...
            @close
            """));
        var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(ex!.Message, Does.StartWith("command: NOOP => socket error: EOF"));
        M.shutdown();
        server.AssertComplete();
    }

    [Test]
    public void Line_without_CRLF_before_EOF_is_an_abort_unterminated_line()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} NOOP
            S! * 1 EXISTS
            @close
            """));
        var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(ex!.Message, Is.EqualTo("command: NOOP => socket error: unterminated line: b'* 1 EXISTS'"));
        M.shutdown();
        server.AssertComplete();
    }

    [Test]
    public void Tagged_response_to_a_command_never_sent_is_an_abort()
    {
        string? prefix = null;
        using var server = new FakeServer(s =>
        {
            s.Greet();
            var noop = s.Next("NOOP");
            prefix = Fake.Prefix(noop.Tag);
            s.Line(prefix + "99 OK what command?");
            s.Line(noop.Tag + " OK NOOP completed");
            s.ClientClosed();
        });
        var M = Fake.Connect(server);
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        M.shutdown();
        server.Join();
        Assert.That(ex!.Message, Is.EqualTo($"command: NOOP => unexpected tagged response: b'{prefix}99 OK what command?'"));
    }

    [Test]
    public void Random_unexpected_response_is_an_abort()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} NOOP
            S! what is this \x01 line?\r\n
            S: {tag} OK NOOP completed
            """));
        var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(ex!.Message, Is.EqualTo("command: NOOP => unexpected response: b'what is this \\x01 line?'"));
        M.shutdown();
        server.AssertComplete();
    }

    [Test]
    public void BYE_during_a_command_is_an_abort_with_the_BYE_text()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} NOOP
            S: * BYE Autologout; idle for too long
            @close
            """));
        var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(ex!.Message, Is.EqualTo("command: NOOP => Autologout; idle for too long"));
        M.shutdown();
        server.AssertComplete();
    }

    [Test]
    public void BYE_followed_by_the_tagged_OK_still_aborts_the_command()
    {
        // The BYE is read before the tagged OK, and Python reports it at once: the connection is closing.
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} NOOP
            S: * BYE shutting down
            S: {tag} OK NOOP completed
            """));
        var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(ex!.Message, Is.EqualTo("command: NOOP => shutting down"));
        M.shutdown();
        server.AssertComplete();
    }

    [Test]
    public void BYE_on_an_open_connection_aborts_at_once_without_waiting_for_the_tagged_reply()
    {
        bool closed = false;
        using var server = new FakeServer(s =>
        {
            s.Greet();
            s.Next("NOOP");
            s.Line("* BYE server shutting down");
            closed = s.ClientClosed();   // the connection stays open until the client gives up
        });
        var M = new IMAP4("127.0.0.1", server.Port, timeout: 8);
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        Assert.That(ex!.Message, Is.EqualTo("command: NOOP => server shutting down"));
        M.shutdown();
        server.Join();
        Assert.That(closed, Is.True);
    }

    [Test]
    public void Silence_during_a_command_is_an_abort_timed_out()
    {
        // The transcript ends with the client's NOOP: the server says nothing more.
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + "C: {tag} NOOP\n"));
        var M = new IMAP4(server.Host, server.Port, timeout: 0.3);
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(ex!.Message, Is.EqualTo("command: NOOP => socket error: timed out"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)));
        M.shutdown();
        server.AssertComplete();
    }

    [Test]
    public void BAD_raises_a_command_error_with_the_data()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} NOOP
            S: {tag} BAD [CLIENTBUG] Unknown command 'NOOP'
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.error>(() => M.noop());
        Assert.That(ex, Is.Not.InstanceOf<IMAP4.abort>());
        Assert.That(ex!.Message, Is.EqualTo("NOOP command error: BAD [b\"[CLIENTBUG] Unknown command 'NOOP'\"]"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void NO_is_returned_not_raised()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Preauth() + """
            C: {tag} CREATE INBOX
            S: {tag} NO [ALREADYEXISTS] Mailbox exists
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        var (typ, data) = M.create("INBOX");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("[ALREADYEXISTS] Mailbox exists") }));
        Assert.That(M.untagged_responses["ALREADYEXISTS"], Is.EqualTo(new[] { ImapItem.FromString("") }));
        M.logout();
        server.AssertComplete();
    }

    // ---- States ----------------------------------------------------------------------------------------

    [Test]
    public void Commands_in_an_illegal_state_raise_error_and_send_nothing()
    {
        var log = new List<Command>();
        using var server = new FakeServer(Fake.OkToEverything(log, greeting: "* OK hi"));
        using var M = Fake.Connect(server);
        var ex = Assert.Throws<IMAP4.error>(() => M.fetch("1", "(FLAGS)"));
        Assert.That(ex!.Message, Is.EqualTo("command FETCH illegal in state NONAUTH, only allowed in states SELECTED"));
        ex = Assert.Throws<IMAP4.error>(() => M.select());
        Assert.That(ex!.Message, Is.EqualTo("command SELECT illegal in state NONAUTH, only allowed in states AUTH, SELECTED"));
        ex = Assert.Throws<IMAP4.error>(() => M.append("INBOX", null, null, Fake.Bytes("x")));
        Assert.That(ex!.Message, Is.EqualTo("command APPEND illegal in state NONAUTH, only allowed in states AUTH, SELECTED"));
        M.login("user", "pass");
        ex = Assert.Throws<IMAP4.error>(() => M.login("user", "pass"));
        Assert.That(ex!.Message, Is.EqualTo("command LOGIN illegal in state AUTH, only allowed in states NONAUTH"));
        ex = Assert.Throws<IMAP4.error>(() => M.uid("FETCH", "1", "(FLAGS)"));
        Assert.That(ex!.Message, Is.EqualTo("command FETCH illegal in state AUTH, only allowed in states SELECTED"));
        ex = Assert.Throws<IMAP4.error>(() => M.search(null, "ALL"));
        Assert.That(ex!.Message, Is.EqualTo("command SEARCH illegal in state AUTH, only allowed in states SELECTED"));
        M.logout();
        server.Join();
        Assert.That(log[0].Name, Is.EqualTo("CAPABILITY"));
        Assert.That(log.Skip(1).Select(c => c.Name).Where(n => n != "CAPABILITY"), Is.EqualTo(new[] { "LOGIN", "LOGOUT" }));
    }

    [Test]
    public void Unselect_returns_to_AUTH_and_lsub_returns_its_data()   // test_unselect, test_lsub
    {
        using var server = new FakeServer(s =>
        {
            s.Greet();
            var login = s.Next("LOGIN");
            s.Line(login.Tag + " OK LOGIN completed");
            var lsub = s.Next("LSUB");
            Assert.That(lsub.Args, Is.EqualTo("\"\" *"));
            s.Line("* LSUB () \".\" directoryA");
            s.Line(lsub.Tag + " OK LSUB completed");
            var select = s.Next("SELECT");
            Assert.That(select.Args, Is.EqualTo("INBOX"));
            s.Line("* 2 EXISTS");
            s.Line(select.Tag + " OK [READ-WRITE] SELECT completed.");
            var unselect = s.Next("UNSELECT");
            s.Line(unselect.Tag + " OK Returned to authenticated state. (Success)");
            var logout = s.Next("LOGOUT");
            s.Line("* BYE IMAP4ref1 Server logging out");
            s.Line(logout.Tag + " OK LOGOUT completed");
        });
        var M = Fake.Connect(server);
        M.login("user", "pass");
        var (typ, data) = M.lsub();
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("() \".\" directoryA") }));
        (typ, data) = M.select();
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        (typ, data) = M.unselect();
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("Returned to authenticated state. (Success)") }));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        (typ, data) = M.logout();   // test_logout
        Assert.That(typ, Is.EqualTo("BYE"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("IMAP4ref1 Server logging out") }));
        Assert.That(M.state, Is.EqualTo("LOGOUT"));
        server.Join();
    }

    // ---- READ-ONLY -------------------------------------------------------------------------------------

    [Test]
    public void Select_of_a_mailbox_the_server_opens_read_only_raises_readonly()
    {
        // The transcript ends after SELECT: a LOGOUT would be a mismatch.
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Preauth() + """
            C: {tag} SELECT Shared
            S: * 4 EXISTS
            S: {tag} OK [READ-ONLY] SELECT completed
            """));
        var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.@readonly>(() => M.select("Shared"));
        Assert.That(ex, Is.InstanceOf<IMAP4.abort>());
        Assert.That(M.state, Is.EqualTo("SELECTED"));
        Assert.That(M.is_readonly, Is.False);
        Assert.That(M.untagged_responses.ContainsKey("READ-ONLY"), Is.True);
        // Python's readonly must be handled by re-selecting: until then every command raises it, LOGOUT too.
        Assert.Throws<IMAP4.@readonly>(() => M.logout());
        M.shutdown();
        server.AssertComplete();
        Assert.That(ex!.Message, Does.Contain("Shared").And.EndWith(" is not writable"));   // 3.11: %s, newer: %r
    }

    [Test]
    public void Late_untagged_READ_ONLY_makes_the_next_command_raise_readonly_before_sending()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Preauth() + """
            C: {tag} SELECT INBOX
            S: * 1 EXISTS
            S: {tag} OK [READ-WRITE] SELECT completed
            C: {tag} NOOP
            S: * OK [READ-ONLY] mailbox is now read-only
            S: {tag} OK NOOP completed
            # The client's next command must be the EXAMINE: the STORE was never sent.
            C: {tag} EXAMINE INBOX
            S: * 1 EXISTS
            S: {tag} OK [READ-ONLY] EXAMINE completed
            C: {tag} STORE 1 +FLAGS (\Seen)
            S: {tag} NO [READ-ONLY] mailbox is read-only
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        Assert.That(M.select().typ, Is.EqualTo("OK"));
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        var ex = Assert.Throws<IMAP4.@readonly>(() => M.store("1", "+FLAGS", "\\Seen"));
        Assert.That(ex!.Message, Is.EqualTo("mailbox status changed to READ-ONLY"));
        var (typ, data) = M.select("INBOX", @readonly: true);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.That(M.is_readonly, Is.True);
        (typ, data) = M.store("1", "+FLAGS", "\\Seen");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("[READ-ONLY] mailbox is read-only") }));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Bracket_flags_in_STORE_and_PERMANENTFLAGS()   // test_bracket_flags, bpo-21815
    {
        using var server = new FakeServer(s =>
        {
            s.Greet(greeting: "* PREAUTH hi");
            var select = s.Next("SELECT");
            Assert.That(select.Args, Is.EqualTo("test"));
            s.Line("* FLAGS (Answered \\Flagged \\Deleted \\Seen \\Draft)");
            s.Line("* 2 EXISTS");
            s.Line("* 0 RECENT");
            s.Line("* OK [PERMANENTFLAGS Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.");
            s.Line(select.Tag + " OK [READ-WRITE] SELECT completed.");
            var store = s.Next("STORE");
            Assert.That(store.Args, Is.EqualTo("1 +FLAGS ([test])"));
            s.Line("* 1 FETCH (FLAGS (Answered \\Flagged \\Deleted \\Seen \\Draft \\[test]))");
            s.Line(store.Tag + " OK STORE completed.");
            select = s.Next("SELECT");
            s.Line("* OK [PERMANENTFLAGS Answered \\Flagged \\Deleted \\Seen \\Draft \\[test] \\*)] Flags permitted.");
            s.Line(select.Tag + " OK [READ-WRITE] SELECT completed.");
            s.Logout();
        });
        using var M = Fake.Connect(server);
        M.select("test");
        var (_, data) = M.store(Fake.Bytes("1"), "+FLAGS", "[test]");
        Assert.That(data, Has.Count.EqualTo(1));
        Assert.That(data[0]!.decode(), Does.Contain("[test]"));
        M.select("test");
        (_, data) = M.response("PERMANENTFLAGS");
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("Answered \\Flagged \\Deleted \\Seen \\Draft \\[test] \\*)") }));
        M.logout();
        server.Join();
    }

    // ---- LOGOUT and the with-statement -----------------------------------------------------------------

    [Test]
    public void Logout_when_the_server_sends_only_BYE_then_closes()
    {
        bool closed = false;
        using var server = new FakeServer(s =>
        {
            s.Greet();
            s.Next("LOGOUT");
            s.Line("* BYE see you");
            closed = s.ClientClosed();
        });
        var M = Fake.Connect(server);
        var (typ, data) = M.logout();
        Assert.That(typ, Is.EqualTo("BYE"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("see you") }));
        Assert.That(M.state, Is.EqualTo("LOGOUT"));
        server.Join();
        Assert.That(closed, Is.True, "logout shuts the connection down");
    }

    [Test]
    public void Using_block_logs_out_on_dispose()   // test_with_statement
    {
        string? loggedIn = null;
        bool loggedOut = false;
        using var server = new FakeServer(s =>
        {
            s.Greet();
            var login = s.Next("LOGIN");
            loggedIn = login.Args.Split(' ')[0];
            s.Line(login.Tag + " OK LOGIN completed");
            s.Logout();
            loggedOut = true;
            s.ClientClosed();
        });
        using (var imap = Fake.Connect(server))
        {
            imap.login("user", "pass");
            Assert.That(loggedIn, Is.EqualTo("user"));
            Assert.That(loggedOut, Is.False);
        }
        server.Join();
        Assert.That(loggedOut, Is.True);
    }

    [Test]
    public void Simple_using_block_logs_out()   // test_simple_with_statement
    {
        using var server = new FakeServer(s =>
        {
            s.Greet();
            s.Logout();
        });
        using (Fake.Connect(server))
        {
        }
        server.Join();
        Assert.That(server.ReceivedText, Does.Contain(" LOGOUT\r\n"));
    }

    [Test]
    public void Dispose_after_an_explicit_logout_sends_nothing()   // test_with_statement_logout
    {
        bool closedAfterLogout = false;
        using var server = new FakeServer(s =>
        {
            s.Greet();
            var login = s.Next("LOGIN");
            s.Line(login.Tag + " OK LOGIN completed");
            s.Logout();
            closedAfterLogout = s.ClientClosed();
        });
        var imap = Fake.Connect(server);
        using (imap)
        {
            imap.login("user", "pass");
            imap.logout();
            Assert.That(imap.state, Is.EqualTo("LOGOUT"));
        }
        imap.Dispose();   // twice: still nothing
        server.Join();
        Assert.That(closedAfterLogout, Is.True);
        Assert.That(server.ReceivedText.Split("LOGOUT").Length - 1, Is.EqualTo(1));
    }

    [Test]
    public void Dispose_swallows_a_failing_logout_and_releases_the_connection()
    {
        bool closed = false;
        using var server = new FakeServer(s =>
        {
            s.Greet();
            s.Next("LOGOUT");
            s.Line("garbage");
            closed = s.ClientClosed();
        });
        var imap = Fake.Connect(server);
        Assert.DoesNotThrow(() => imap.Dispose());
        server.Join();
        Assert.That(closed, Is.True);
        Assert.That(imap.state, Is.EqualTo("LOGOUT"));
    }
}
