using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// The ready-made authobjects of <see cref="Sasl"/>: against the real Dovecot (PLAIN, SCRAM-SHA-1, SCRAM-SHA-256),
/// against the RFCs' example exchanges, and against a scripted server for the exact lines on the wire.
/// </summary>
public class SaslTests
{
    private const string AwkwardPassword = "pä ss\"w\\rd€";

    private static string Utf8(byte[]? bytes) => Encoding.UTF8.GetString(bytes ?? throw new AssertionException("null response"));

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    // ---- Dovecot ----------------------------------------------------------------------------------------

    private static IMAP4 ConnectDovecot() => new(Dovecot.Server.Host, Dovecot.Server.Port, timeout: 30);

    [Category("Server")]
    [Test]
    public void Plain_logs_in_to_Dovecot_with_an_awkward_password()
    {
        var account = Dovecot.NewAccount(AwkwardPassword);
        using var M = ConnectDovecot();
        var (typ, _) = M.authenticate("PLAIN", Sasl.Plain(account.User, AwkwardPassword));
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(M.select("INBOX").typ, Is.EqualTo("OK"));
        M.logout();
    }

    [Category("Server")]
    [Test]
    public void Plain_with_a_wrong_password_is_an_error_and_the_connection_stays_usable()
    {
        var account = Dovecot.NewAccount(AwkwardPassword);
        using var M = ConnectDovecot();
        Assert.Throws<IMAP4.error>(() => M.authenticate("PLAIN", Sasl.Plain(account.User, "pä ss\"w\\rd$")));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.That(M.authenticate("PLAIN", Sasl.Plain(account.User, AwkwardPassword)).typ, Is.EqualTo("OK"));
        M.logout();
    }

    [Category("Server")]
    [TestCase("SCRAM-SHA-1")]
    [TestCase("SCRAM-SHA-256")]
    public void Scram_logs_in_to_Dovecot_and_verifies_the_server(string mechanism)
    {
        var account = Dovecot.NewAccount(AwkwardPassword);
        using var M = ConnectDovecot();
        Assert.That(M.capabilities, Does.Contain("AUTH=" + mechanism));
        var scram = mechanism == "SCRAM-SHA-1" ? Sasl.ScramSha1(account.User, AwkwardPassword) : Sasl.ScramSha256(account.User, AwkwardPassword);
        Assert.That(scram.Mechanism, Is.EqualTo(mechanism));
        var (typ, _) = M.authenticate(scram.Mechanism, scram);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(scram.ServerVerified, Is.True);
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(M.select("INBOX").typ, Is.EqualTo("OK"));
        M.logout();
    }

    [Category("Server")]
    [TestCase("SCRAM-SHA-1")]
    [TestCase("SCRAM-SHA-256")]
    public void Scram_with_a_wrong_password_is_an_error_and_the_connection_stays_usable(string mechanism)
    {
        var account = Dovecot.NewAccount(AwkwardPassword);
        using var M = ConnectDovecot();
        ScramAuthenticator Scram(string password) =>
            mechanism == "SCRAM-SHA-1" ? Sasl.ScramSha1(account.User, password) : Sasl.ScramSha256(account.User, password);
        var wrong = Scram("pa ss\"w\\rd€");
        Assert.Throws<IMAP4.error>(() => M.authenticate(mechanism, wrong));
        Assert.That(wrong.ServerVerified, Is.False);
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        // Dovecot answered NO: nothing is out of step, and a second attempt works.
        var right = Scram(AwkwardPassword);
        Assert.That(M.authenticate(mechanism, right).typ, Is.EqualTo("OK"));
        Assert.That(right.ServerVerified, Is.True);
        M.logout();
    }

    // ---- PLAIN, XOAUTH2, OAUTHBEARER: exact bytes -----------------------------------------------------------

    [Test]
    public void Plain_sends_authzid_user_and_password_separated_by_NUL_once()
    {
        var plain = Sasl.Plain("tim", "tanstaaftanstaaf");
        Assert.That(Utf8(plain([])), Is.EqualTo("\0tim\0tanstaaftanstaaf"));   // RFC 4616 section 4
        Assert.That(plain([]), Is.Null, "a second challenge is cancelled, not answered with the password again");

        var withAuthzid = Sasl.Plain("Kurt", "xipj3plmq", "Ursel");
        Assert.That(Utf8(withAuthzid([])), Is.EqualTo("Ursel\0Kurt\0xipj3plmq"));
        Assert.That(Sasl.Plain("üser", "pä€")([]), Is.EqualTo(B("\0üser\0pä€")));
    }

    [Test]
    public void Plain_refuses_NUL_in_any_part()
    {
        Assert.Throws<ArgumentException>(() => Sasl.Plain("a\0b", "pw"));
        Assert.Throws<ArgumentException>(() => Sasl.Plain("user", "p\0w"));
        Assert.Throws<ArgumentException>(() => Sasl.Plain("user", "pw", "z\0"));
    }

    [Test]
    public void XOAuth2_sends_Googles_format()
    {
        // The example of https://developers.google.com/gmail/imap/xoauth2-protocol
        var xoauth2 = Sasl.XOAuth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg");
        byte[] first = xoauth2([])!;
        Assert.That(Utf8(first), Is.EqualTo("user=someuser@example.com\u0001auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\u0001\u0001"));
        Assert.That(Convert.ToBase64String(first), Is.EqualTo(
            "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="));
    }

    [Test]
    public void XOAuth2_answers_an_error_challenge_with_an_empty_response_then_cancels()
    {
        string? reported = null;
        var xoauth2 = Sasl.XOAuth2("u@example.com", "token", e => reported = e);
        Assert.That(xoauth2([]), Is.Not.Empty);
        const string json = "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}";
        Assert.That(xoauth2(B(json)), Is.Empty);
        Assert.That(reported, Is.EqualTo(json));
        Assert.That(xoauth2([]), Is.Null);
    }

    [Test]
    public void OAuthBearer_sends_RFC_7628s_example()
    {
        // RFC 7628 section 4.1.
        var bearer = Sasl.OAuthBearer("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com", 143);
        byte[] first = bearer([])!;
        Assert.That(Utf8(first), Is.EqualTo(
            "n,a=user@example.com,\u0001host=server.example.com\u0001port=143\u0001auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\u0001\u0001"));
        Assert.That(Convert.ToBase64String(first), Is.EqualTo(
            "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB"));
    }

    [Test]
    public void OAuthBearer_leaves_out_host_and_port_when_not_given_and_escapes_the_user()
    {
        Assert.That(Utf8(Sasl.OAuthBearer("a=b,c", "tok")([])), Is.EqualTo("n,a=a=3Db=2Cc,\u0001auth=Bearer tok\u0001\u0001"));
        Assert.That(Utf8(Sasl.OAuthBearer("", "tok", port: 993)([])), Is.EqualTo("n,,\u0001port=993\u0001auth=Bearer tok\u0001\u0001"));
    }

    [Test]
    public void OAuthBearer_answers_an_error_challenge_with_kvsep_then_cancels()
    {
        string? reported = null;
        var bearer = Sasl.OAuthBearer("user@example.com", "tok", onError: e => reported = e);
        bearer([]);
        const string json = "{\"status\":\"invalid_token\",\"scope\":\"example_scope\",\"openid-configuration\":\"https://example.com/.well-known/openid-configuration\"}";
        Assert.That(bearer(B(json)), Is.EqualTo(new byte[] { 0x01 }));
        Assert.That(reported, Is.EqualTo(json));
        Assert.That(bearer([]), Is.Null);
    }

    [Test]
    public void OAuth_mechanisms_refuse_control_characters_and_bad_ports()
    {
        Assert.Throws<ArgumentException>(() => Sasl.XOAuth2("u\u0001", "t"));
        Assert.Throws<ArgumentException>(() => Sasl.XOAuth2("u", "t\u0001"));
        Assert.Throws<ArgumentException>(() => Sasl.OAuthBearer("u", "t\r\n"));
        Assert.Throws<ArgumentException>(() => Sasl.OAuthBearer("u", "t", host: "h\u0001"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sasl.OAuthBearer("u", "t", port: 65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sasl.OAuthBearer("u", "t", port: -1));
    }

    // ---- SCRAM: the RFCs' example exchanges ---------------------------------------------------------------

    [Test]
    public void ScramSha1_reproduces_RFC_5802s_example()
    {
        var scram = Sasl.ScramSha1("user", "pencil", nonce: "fyko+d2lbbFgONRv9qkxdawL");
        Assert.That(Utf8(scram.Respond([])), Is.EqualTo("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"));
        Assert.That(Utf8(scram.Respond(B("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"))),
            Is.EqualTo("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="));
        Assert.That(scram.ServerVerified, Is.False);
        Assert.That(scram.Respond(B("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")), Is.Empty);
        Assert.That(scram.ServerVerified, Is.True);
        Assert.That(scram.Respond([]), Is.Null, "nothing may follow the server-final message");
    }

    private const string Rfc7677ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    [Test]
    public void ScramSha256_reproduces_RFC_7677s_example()
    {
        var scram = Sasl.ScramSha256("user", "pencil", nonce: "rOprNGfwEbeRWgbNEkqO");
        Assert.That(scram.Mechanism, Is.EqualTo("SCRAM-SHA-256"));
        Assert.That(Utf8(scram.Respond([])), Is.EqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        Assert.That(Utf8(scram.Respond(B(Rfc7677ServerFirst))),
            Is.EqualTo("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        Assert.That(scram.Respond(B("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")), Is.Empty);
        Assert.That(scram.ServerVerified, Is.True);
    }

    private static ScramAuthenticator Rfc7677AfterServerFirst()
    {
        var scram = Sasl.ScramSha256("user", "pencil", nonce: "rOprNGfwEbeRWgbNEkqO");
        scram.Respond([]);
        scram.Respond(B(Rfc7677ServerFirst));
        return scram;
    }

    [Test]
    public void Scram_refuses_a_wrong_server_signature()
    {
        var scram = Rfc7677AfterServerFirst();
        var ex = Assert.Throws<IMAP4.error>(() => scram.Respond(B("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        Assert.That(ex!.Message, Does.Contain("server signature is wrong"));
        Assert.That(scram.ServerVerified, Is.False);

        Assert.Throws<IMAP4.error>(() => Rfc7677AfterServerFirst().Respond(B("v=")));
        Assert.Throws<IMAP4.error>(() => Rfc7677AfterServerFirst().Respond(B("v=not base64!")));
        Assert.Throws<IMAP4.error>(() => Rfc7677AfterServerFirst().Respond(B("x=whatever")));
        Assert.Throws<IMAP4.error>(() => Rfc7677AfterServerFirst().Respond([]));
    }

    [Test]
    public void Scram_server_error_is_an_error()
    {
        var ex = Assert.Throws<IMAP4.error>(() => Rfc7677AfterServerFirst().Respond(B("e=invalid-proof")));
        Assert.That(ex!.Message, Is.EqualTo("SCRAM-SHA-256: the server reports an error: invalid-proof"));
    }

    private static IMAP4.error ServerFirstFails(string serverFirst, int maxIterations = ScramAuthenticator.DefaultMaxIterations,
        int minIterations = ScramAuthenticator.DefaultMinIterations)
    {
        var scram = Sasl.ScramSha256("user", "pencil", nonce: "rOprNGfwEbeRWgbNEkqO", maxIterations: maxIterations, minIterations: minIterations);
        scram.Respond([]);
        return Assert.Throws<IMAP4.error>(() => scram.Respond(B(serverFirst)))!;
    }

    [Test]
    public void Scram_caps_the_iteration_count()
    {
        Assert.That(ServerFirstFails("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=100001").Message, Does.Contain("maxIterations"));
        Assert.That(ServerFirstFails("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999999999999").Message, Does.Contain("maxIterations"));
        Assert.That(ServerFirstFails(Rfc7677ServerFirst, maxIterations: 4095, minIterations: 1).Message, Does.Contain("4096 iterations"));
        Assert.That(ServerFirstFails("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095").Message, Does.Contain("minIterations"));
        Assert.That(ServerFirstFails("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0", minIterations: 1).Message, Does.Contain("minIterations"));
        ServerFirstFails("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-5");
        ServerFirstFails("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=");
        ServerFirstFails("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=04096");
        Assert.Throws<ArgumentOutOfRangeException>(() => Sasl.ScramSha256("u", "p", minIterations: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sasl.ScramSha256("u", "p", maxIterations: 10, minIterations: 20));
    }

    [Test]
    public void Scram_accepts_a_lower_count_when_allowed()
    {
        var scram = Sasl.ScramSha1("user", "pencil", nonce: "abc", minIterations: 1);
        scram.Respond([]);
        Assert.That(Utf8(scram.Respond(B("r=abcdef,s=QSXCR+Q6sek8bf92,i=1"))), Does.StartWith("c=biws,r=abcdef,p="));
    }

    [Test]
    public void Scram_refuses_a_server_nonce_that_does_not_extend_the_client_nonce()
    {
        Assert.That(ServerFirstFails("r=XOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096").Message,
            Does.Contain("nonce"));
        ServerFirstFails("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");   // nothing added by the server
        ServerFirstFails("r=rOprNGfwEbeRWgbNE,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");      // shorter
        ServerFirstFails("r=,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    }

    [Test]
    public void Scram_refuses_malformed_server_first_messages()
    {
        Assert.That(ServerFirstFails("m=ext," + Rfc7677ServerFirst).Message, Does.Contain("extension"));
        ServerFirstFails("s=W22ZaJ0SNY7soEsUEjb6gQ==,r=rOprNGfwEbeRWgbNEkqOxyz,i=4096");   // out of order
        ServerFirstFails("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==");
        ServerFirstFails("r=rOprNGfwEbeRWgbNEkqOxyz,s=***,i=4096");
        ServerFirstFails("r=rOprNGfwEbeRWgbNEkqOxyz,s=,i=4096");
        ServerFirstFails("");
        var scram = Sasl.ScramSha256("user", "pencil", nonce: "rOprNGfwEbeRWgbNEkqO");
        scram.Respond([]);
        Assert.Throws<IMAP4.error>(() => scram.Respond([0xff, 0xfe]));
    }

    [Test]
    public void Scram_ignores_extensions_after_the_iteration_count()
    {
        var scram = Sasl.ScramSha256("user", "pencil", nonce: "rOprNGfwEbeRWgbNEkqO");
        scram.Respond([]);
        // The extension is part of AuthMessage, so the proof differs from the RFC's; it is only accepted.
        Assert.That(Utf8(scram.Respond(B(Rfc7677ServerFirst + ",x=future"))), Does.StartWith("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p="));
    }

    [Test]
    public void Scram_escapes_and_prepares_the_user_name_and_draws_a_fresh_nonce()
    {
        Assert.That(Utf8(Sasl.ScramSha1("a=b,c", "p", nonce: "N").Respond([])), Is.EqualTo("n,,n=a=3Db=2Cc,r=N"));
        Assert.That(Utf8(Sasl.ScramSha1("I\u00ADX", "p", nonce: "N").Respond([])), Is.EqualTo("n,,n=IX,r=N"));
        Assert.That(Utf8(Sasl.ScramSha256("jöe", "p", nonce: "N").Respond([])), Is.EqualTo("n,,n=jöe,r=N"));
        Assert.Throws<ArgumentException>(() => Sasl.ScramSha256("", "p"));
        Assert.Throws<ArgumentException>(() => Sasl.ScramSha256("a\0b", "p"));
        Assert.Throws<ArgumentException>(() => Sasl.ScramSha256("u", "p", nonce: "a,b"));
        Assert.Throws<ArgumentException>(() => Sasl.ScramSha256("u", "p", nonce: "a b"));
        Assert.Throws<ArgumentException>(() => Sasl.ScramSha256("u", "p", nonce: ""));

        string first = Utf8(Sasl.ScramSha256("user", "p").Respond([]));
        string second = Utf8(Sasl.ScramSha256("user", "p").Respond([]));
        Assert.That(first, Does.Match("^n,,n=user,r=[!-+--~]{24,}$"));
        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void Scram_prepares_the_password_with_SASLprep()
    {
        // "pencil" with a soft hyphen and a non-ASCII space mapped: the same proof as RFC 5802's "pencil"
        // would be for the same messages (the no-break space becomes a plain space, so compare with "pen cil").
        string Proof(string password)
        {
            var scram = Sasl.ScramSha1("user", password, nonce: "fyko+d2lbbFgONRv9qkxdawL");
            scram.Respond([]);
            return Utf8(scram.Respond(B("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")));
        }
        Assert.That(Proof("pen\u00ADcil"), Is.EqualTo("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="));
        Assert.That(Proof("pen\u00A0cil"), Is.EqualTo(Proof("pen cil")));
        // A password SASLprep refuses (a control character) is used as it is rather than refused.
        Assert.That(Proof("pen\u0007cil"), Is.Not.EqualTo(Proof("pencil")));
    }

    [Test]
    public void SaslPrep_follows_RFC_4013s_examples()
    {
        Assert.That(Sasl.SaslPrep("I\u00ADX"), Is.EqualTo("IX"));
        Assert.That(Sasl.SaslPrep("user"), Is.EqualTo("user"));
        Assert.That(Sasl.SaslPrep("USER"), Is.EqualTo("USER"));
        Assert.That(Sasl.SaslPrep("\u00AA"), Is.EqualTo("a"));
        Assert.That(Sasl.SaslPrep("\u2168"), Is.EqualTo("IX"));
        Assert.That(Sasl.SaslPrep("a\u3000b\u200Bc"), Is.EqualTo("a bc"));
        Assert.That(Sasl.SaslPrep(AwkwardPassword), Is.EqualTo(AwkwardPassword));
        Assert.Throws<ArgumentException>(() => Sasl.SaslPrep("\u0007"));
        Assert.Throws<ArgumentException>(() => Sasl.SaslPrep("a\uE000"));
        Assert.Throws<ArgumentException>(() => Sasl.SaslPrep("a\uD800b"));
        Assert.Throws<ArgumentException>(() => Sasl.SaslPrep("\uFFFF"));
    }

    // ---- On the wire, against a scripted server -------------------------------------------------------------

    [Test]
    public void XOAuth2_on_the_wire_success_error_and_cancel()
    {
        string token = Convert.ToBase64String(B("user=u@example.com\u0001auth=Bearer ya29.tok\u0001\u0001"));
        const string json = "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}";
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 AUTH=XOAUTH2");
            // 1. An error: the JSON challenge is answered with an empty line, then NO.
            var auth = s.Next("AUTHENTICATE");
            Assert.That(auth.Args, Is.EqualTo("XOAUTH2"));
            s.Line("+ ");
            Assert.That(s.ReadLine(), Is.EqualTo(token));
            s.Line("+ " + Fake.B64(json));
            Assert.That(s.ReadLine(), Is.EqualTo(""));
            s.Line(auth.Tag + " NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)");
            // 2. A server that goes on asking: cancelled with "*".
            auth = s.Next("AUTHENTICATE");
            s.Line("+");
            Assert.That(s.ReadLine(), Is.EqualTo(token));
            s.Line("+ " + Fake.B64(json));
            Assert.That(s.ReadLine(), Is.EqualTo(""));
            s.Line("+ " + Fake.B64("more?"));
            Assert.That(s.ReadLine(), Is.EqualTo("*"));
            s.Line(auth.Tag + " BAD authentication cancelled");
            // 3. Success.
            auth = s.Next("AUTHENTICATE");
            s.Line("+ ");
            Assert.That(s.ReadLine(), Is.EqualTo(token));
            s.Line(auth.Tag + " OK Success");
            s.Logout();
        });
        using var M = Fake.Connect(server);
        string? reported = null;
        var ex = Assert.Throws<IMAP4.error>(() => M.authenticate("XOAUTH2", Sasl.XOAuth2("u@example.com", "ya29.tok", e => reported = e)));
        Assert.That(ex!.Message, Is.EqualTo("[AUTHENTICATIONFAILED] Invalid credentials (Failure)"));
        Assert.That(reported, Is.EqualTo(json));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.Throws<IMAP4.error>(() => M.authenticate("XOAUTH2", Sasl.XOAuth2("u@example.com", "ya29.tok")));
        Assert.That(M.authenticate("XOAUTH2", Sasl.XOAuth2("u@example.com", "ya29.tok")).typ, Is.EqualTo("OK"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        M.logout();
        server.Join();
    }

    [Test]
    public void OAuthBearer_on_the_wire_answers_an_error_with_kvsep()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 AUTH=OAUTHBEARER");
            var auth = s.Next("AUTHENTICATE");
            Assert.That(auth.Args, Is.EqualTo("OAUTHBEARER"));
            s.Line("+ ");
            Assert.That(s.ReadLine(), Is.EqualTo(Fake.B64("n,a=u@example.com,\u0001host=127.0.0.1\u0001port=143\u0001auth=Bearer tok\u0001\u0001")));
            s.Line("+ " + Fake.B64("{\"status\":\"invalid_token\"}"));
            Assert.That(s.ReadLine(), Is.EqualTo("AQ=="));
            s.Line(auth.Tag + " NO SASL authentication failed");
            s.Logout();
        });
        using var M = Fake.Connect(server);
        Assert.Throws<IMAP4.error>(() => M.authenticate("OAUTHBEARER", Sasl.OAuthBearer("u@example.com", "tok", "127.0.0.1", 143)));
        M.logout();
        server.Join();
    }

    private static void ScramServer(FakeSession s, string serverFinal, string outcome)
    {
        s.Greet("IMAP4rev1 AUTH=SCRAM-SHA-1");
        var auth = s.Next("AUTHENTICATE");
        Assert.That(auth.Args, Is.EqualTo("SCRAM-SHA-1"));
        s.Line("+ ");
        Assert.That(s.ReadLine(), Is.EqualTo(Fake.B64("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")));
        s.Line("+ " + Fake.B64("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        Assert.That(s.ReadLine(), Is.EqualTo(Fake.B64("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")));
        if (serverFinal.Length > 0)
        {
            s.Line("+ " + Fake.B64(serverFinal));
            if (outcome == "cancelled")
            {
                // The client cancels the exchange with "*" (RFC 3501 6.2.2) and waits for the tagged reply.
                Assert.That(s.ReadLine(), Is.EqualTo("*"));
                s.Line(auth.Tag + " BAD AUTHENTICATE cancelled");
                s.Logout();
                return;
            }
            Assert.That(s.ReadLine(), Is.EqualTo(""));
        }
        s.Line(auth.Tag + " OK authenticated");
        s.Logout();
    }

    [Test]
    public void Scram_on_the_wire_with_RFC_5802s_exchange()
    {
        using var server = new FakeServer(s => ScramServer(s, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", "ok"));
        using var M = Fake.Connect(server);
        var scram = Sasl.ScramSha1("user", "pencil", nonce: "fyko+d2lbbFgONRv9qkxdawL");
        Assert.That(M.authenticate("SCRAM-SHA-1", scram).typ, Is.EqualTo("OK"));
        Assert.That(scram.ServerVerified, Is.True);
        M.logout();
        server.Join();
    }

    [Test]
    public void Scram_on_the_wire_a_forged_server_signature_throws_after_cancelling_and_the_connection_stays_in_step()
    {
        using var server = new FakeServer(s => ScramServer(s, "v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "cancelled"));
        using var M = Fake.Connect(server);
        var scram = Sasl.ScramSha1("user", "pencil", nonce: "fyko+d2lbbFgONRv9qkxdawL");
        var ex = Assert.Throws<IMAP4.error>(() => M.authenticate("SCRAM-SHA-1", scram));
        Assert.That(ex!.Message, Is.EqualTo("SCRAM-SHA-1: the server signature is wrong: the server does not know the password"));
        Assert.That(scram.ServerVerified, Is.False);
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.That(M.tagged_commands, Is.Empty);
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));   // the connection is still in step
        server.Join();
    }

    [Test]
    public void Scram_on_the_wire_a_server_that_skips_its_signature_is_refused()
    {
        using var server = new FakeServer(s => ScramServer(s, "", "ok"));
        using var M = Fake.Connect(server);
        var scram = Sasl.ScramSha1("user", "pencil", nonce: "fyko+d2lbbFgONRv9qkxdawL");
        var ex = Assert.Throws<IMAP4.error>(() => M.authenticate("SCRAM-SHA-1", scram));
        Assert.That(ex!.Message, Does.Contain("without proving its identity"));
        Assert.That(scram.ServerVerified, Is.False, "OK without v= proves nothing about the server");
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        M.logout();
        server.Join();
    }

    [Test]
    public void Scram_wrapped_in_a_lambda_still_refuses_a_server_that_skips_its_signature()
    {
        using var server = new FakeServer(s => ScramServer(s, "", "ok"));
        using var M = Fake.Connect(server);
        var scram = Sasl.ScramSha1("user", "pencil", nonce: "fyko+d2lbbFgONRv9qkxdawL");
        Func<byte[], byte[]?> callback = scram;
        int calls = 0;
        // A caller that logs or counts the challenges wraps the callback: the delegate's Target is then a closure.
        var ex = Assert.Throws<IMAP4.error>(() => M.authenticate("SCRAM-SHA-1", challenge => { calls++; return callback(challenge); }));
        Assert.That(ex!.Message, Does.Contain("without proving its identity"));
        Assert.That(calls, Is.EqualTo(2));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        M.logout();
        server.Join();
    }
}
