using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests.Hostile;

/// <summary>
/// Issue 7, "never a leak" of credentials: at every debug level (1-5) and in print_log(), a LOGIN password and the
/// AUTHENTICATE responses (base64) never reach standard error, and no exception message carries them, whether the
/// server says OK, NO or BAD, or drops the connection in the middle.
/// </summary>
[NonParallelizable]
public class SecretTests
{
    private const string Password = "Tr0ub4dor&3-correct-horse";
    private const string Caps = "IMAP4rev1 AUTH=PLAIN AUTH=CRAM-MD5 AUTH=X-TOKEN";
    private const string Token = "token-6f1c9a2e-secret";

    /// <summary>Every form a secret could take in a log or a message.</summary>
    private static IEnumerable<string> Forms(string user, string password)
    {
        yield return password;
        yield return Fake.B64("\0" + user + "\0" + password);
        yield return Fake.B64(user + "\0" + user + "\0" + password);
        yield return Fake.B64(Token);
        yield return Token;
    }

    private static void AssertNoSecret(string text, string where)
    {
        foreach (var form in Forms("alice", Password))
            Assert.That(text, Does.Not.Contain(form), $"{where} holds a secret ({form})");
        // Also the password's tail, in case it was cut or quoted differently.
        Assert.That(text, Does.Not.Contain(Password[4..]), $"{where} holds part of the password");
    }

    /// <summary>Runs <paramref name="session"/> at debug <paramref name="level"/> against <paramref name="conversation"/>
    /// (after a greeting with <see cref="Caps"/>); returns what went to standard error, print_log's output included.</summary>
    private static string Run(int level, string conversation, Action<IMAP4> session, out Exception? thrown, out ObservedIMAP4 connection)
    {
        int saved = imaplib.Debug;
        imaplib.Debug = level;
        thrown = null;
        using var capture = new StderrCapture();
        try
        {
            var M = connection = new ObservedIMAP4($"S: * OK [CAPABILITY {Caps}] hi\n" + conversation);
            try
            {
                session(M);
            }
            catch (Exception e)
            {
                thrown = e;
            }
            M.print_log();
            M.AssertComplete();
            return capture.Text;
        }
        finally
        {
            imaplib.Debug = saved;
        }
    }

    [Test]
    public void Login_password_is_not_in_debug_output_or_print_log([Range(1, 5)] int level)
    {
        string log = Run(level, $$"""
            C: {tag} LOGIN alice "{{Password}}"
            S: {tag} OK [CAPABILITY IMAP4rev1] Logged in
            C: {tag} SELECT INBOX
            S: * 2 EXISTS
            S: {tag} OK [READ-WRITE] done
            C: {tag} NOOP
            S: {tag} OK done
            C: {tag} LOGOUT
            S: * BYE bye
            S: {tag} OK done
            """, M =>
        {
            M.login("alice", Password);
            M.select("INBOX");
            M.noop();
            M.logout();
        }, out var thrown, out _);
        Assert.That(thrown, Is.Null);
        Assert.That(log, Does.Contain("LOGIN"), "the LOGIN command was logged (so the check below means something)");
        Assert.That(log, Does.Contain("***"), "the password's place is shown redacted");
        AssertNoSecret(log, $"debug {level} output");
    }

    [TestCase("S: {tag} NO [AUTHENTICATIONFAILED] Authentication failed.", typeof(IMAP4.error))]
    [TestCase("S: {tag} BAD Error in IMAP command LOGIN: bad arguments.", typeof(IMAP4.error))]
    [TestCase("@close", typeof(IMAP4.abort))]   // the server drops the connection during LOGIN
    public void A_refused_or_broken_login_does_not_leak_the_password(string reply, Type expected)
    {
        foreach (int level in new[] { 1, 3, 5 })
        {
            string log = Run(level, $"C: {{tag}} LOGIN alice \"{Password}\"\n{reply}\n", M => M.login("alice", Password), out var thrown, out _);
            Assert.That(thrown, Is.InstanceOf(expected));
            AssertNoSecret(thrown!.ToString(), "the exception");
            AssertNoSecret(log, $"debug {level} output");
            Assert.That(log, Does.Contain("LOGIN"));
        }
    }

    /// <summary>AUTHENTICATE <paramref name="mechanism"/>, its challenge, the client's answer (any), then OK or, when
    /// <paramref name="drop"/>, the server drops the connection.</summary>
    private static string SaslServer(string mechanism, string challenge, bool drop) => $$"""
        C: {tag} AUTHENTICATE {{mechanism}}
        S: + {{challenge}}
        C: {secret}
        {{(drop ? "@close" : "S: {tag} OK [CAPABILITY IMAP4rev1] Logged in")}}

        """;

    [Test]
    public void AUTHENTICATE_responses_are_not_in_debug_output_print_log_or_exceptions([Range(1, 5)] int level)
    {
        foreach (bool drop in new[] { false, true })
        {
            var sessions = new (string name, string mechanism, string challenge, Action<IMAP4> run)[]
            {
                ("login_plain", "PLAIN", "", M => M.login_plain("alice", Password)),
                ("authenticate X-TOKEN", "X-TOKEN", "", M => M.authenticate("X-TOKEN", _ => Token)),
                ("login_cram_md5", "CRAM-MD5", Fake.B64("<1896.697170952@postoffice.example.net>"), M => M.login_cram_md5("alice", Password)),
            };
            foreach (var (name, mechanism, challenge, run) in sessions)
            {
                string log = Run(level, SaslServer(mechanism, challenge, drop), run, out var thrown, out var M);
                // The client's answer to the challenge: the line it sent after the AUTHENTICATE line.
                var lines = M.SentText.Split("\r\n");
                string sentLine = lines[Array.FindIndex(lines, l => l.Contains(" AUTHENTICATE ")) + 1];
                Assert.That(sentLine, Is.Not.Empty, $"{name}: the client answered the challenge");
                if (drop) Assert.That(thrown, Is.InstanceOf<IMAP4.abort>(), name);
                else Assert.That(thrown, Is.Null, name);
                Assert.That(log, Does.Contain("AUTHENTICATE"), $"{name}: the command was logged");
                Assert.That(log, Does.Not.Contain(sentLine), $"{name}: the base64 response is in the debug {level} output");
                AssertNoSecret(log, $"{name}, debug {level} output");
                if (thrown is not null)
                {
                    Assert.That(thrown.ToString(), Does.Not.Contain(sentLine), $"{name}: the exception holds the response");
                    AssertNoSecret(thrown.ToString(), $"{name}: the exception");
                }
            }
        }
    }

    [Category("Server")]
    [Test]
    public void A_real_Dovecot_login_at_debug_5_does_not_leak_the_password()
    {
        var account = Dovecot.NewAccount(password: Password);
        int saved = imaplib.Debug;
        imaplib.Debug = 5;
        string log;
        try
        {
            using var capture = new StderrCapture();
            using (var M = new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, timeout: 30))
            {
                M.login(account.User, account.Password);
                M.select("INBOX");
                M.print_log();
                var e = Assert.Throws<IMAP4.error>(() =>
                {
                    using var N = new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, timeout: 30);
                    N.login(account.User, Password + "-wrong");
                });
                AssertNoSecret(e!.ToString(), "the failed login's exception");
                M.logout();
            }
            log = capture.Text;
        }
        finally
        {
            imaplib.Debug = saved;
        }
        Assert.That(log, Does.Contain("LOGIN"));
        AssertNoSecret(log, "debug 5 output");
    }
}
