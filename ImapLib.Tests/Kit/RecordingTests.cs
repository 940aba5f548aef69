using System.Text;
using ImapLib.Testing;
using ImapLib.Tests.Support;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using ScriptedIMAP4 = ImapLib.Testing.ScriptedIMAP4;
using Transcript = ImapLib.Testing.Transcript;

namespace ImapLib.Tests.Kit;

/// <summary>
/// Recording real sessions against the test Dovecot, over each transport, and replaying them with no server: the code
/// under test sees identical results, no secret is written, and recording changes nothing in the session.
/// </summary>
[TestFixture, Category("Server")]
public class RecordingTests
{
    private static readonly byte[] Note = Encoding.ASCII.GetBytes("Subject: recorded\r\n\r\nline one\r\nline two\r\n");

    /// <summary>A session every transport can run; it returns what it saw, printed as Python prints it.</summary>
    private static List<string> Session(IMAP4 M, Action<IMAP4>? login)
    {
        var seen = new List<string>();
        login?.Invoke(M);
        seen.Add(M.append("INBOX", @"(\Seen)", null, Note).typ);
        seen.Add(M.select().ToString());
        seen.Add(M.fetch("1", "(FLAGS BODY[])").ToString());
        seen.Add(M.search(null, "ALL").ToString());
        seen.Add(M.logout().ToString());
        return seen;
    }

    private static void AssertReplays(Transcript recorded, List<string> live, Action<IMAP4>? login, string? secret)
    {
        string text = recorded.ToString();
        if (secret is not null) Assert.That(text, Does.Not.Contain(secret));
        var replayed = new ScriptedIMAP4(Transcript.Parse(text));
        Assert.That(Session(replayed, login), Is.EqualTo(live));
        replayed.AssertComplete();
    }

    [Test]
    public void RecordingIMAP4_with_LOGIN()
    {
        var account = Dovecot.NewAccount($"pw {Guid.NewGuid():N}");
        var M = new RecordingIMAP4(Dovecot.Server.Host, Dovecot.Server.Port, 30);
        var live = Session(M, m => m.login(account.User, account.Password));
        Assert.That(M.transcript.ToString(), Does.Contain($"C: {{tag}} LOGIN {account.User} {{secret}}\n"));
        AssertReplays(M.transcript, live, m => m.login(account.User, "any password"), account.Password);
    }

    [Test]
    public void RecordingIMAP4_with_STARTTLS_and_AUTHENTICATE_CRAM_MD5()
    {
        var account = Dovecot.NewAccount($"pw {Guid.NewGuid():N}");
        var context = ssl.create_default_context(cafile: Dovecot.Server.CaFile);
        var M = new RecordingIMAP4(Dovecot.Server.Host, Dovecot.Server.Port, 30);
        Action<IMAP4> login = m =>
        {
            m.starttls(context);
            m.login_cram_md5(account.User, account.Password);
        };
        var live = Session(M, login);
        string text = M.transcript.ToString();
        Assert.That(text, Does.Contain("\n@starttls\n").And.Contain("C: {tag} AUTHENTICATE CRAM-MD5\n").And.Contain("\nC: {secret}\n"));
        AssertReplays(M.transcript, live, login, account.Password);
    }

    [Test]
    public void RecordingIMAP4_SSL_records_the_protocol_inside_TLS()
    {
        var account = Dovecot.NewAccount($"pw {Guid.NewGuid():N}");
        var M = new RecordingIMAP4_SSL(Dovecot.Server.Host, Dovecot.Server.SslPort,
            ssl_context: ssl.create_default_context(cafile: Dovecot.Server.CaFile), timeout: 30);
        var live = Session(M, m => m.login_plain(account.User, account.Password));
        Assert.That(M.transcript.ToString(), Does.Contain("C: {tag} AUTHENTICATE PLAIN"));
        AssertReplays(M.transcript, live, m => m.login_plain(account.User, "another password"), account.Password);
    }

    [Test]
    public void RecordingIMAP4_stream_records_a_child_process_session()
    {
        var account = Dovecot.NewAccount();
        var M = new RecordingIMAP4_stream(Dovecot.StdioCommand(account.User), 30);
        var live = Session(M, login: null);
        Assert.That(M.transcript.ToString(), Does.StartWith("S: * PREAUTH "));
        AssertReplays(M.transcript, live, login: null, secret: null);
    }

    [Test]
    public void MailKit_recorded_through_the_proxy_replays_against_TranscriptServer()
    {
        var account = Dovecot.NewAccount($"pw {Guid.NewGuid():N}");
        List<string> Run(string host, int port, string password)
        {
            using var client = new ImapClient();
            client.Connect(host, port, SecureSocketOptions.None);
            // SCRAM's server challenge answers the client's random nonce, so a replay cannot satisfy it (CRAM-MD5's
            // challenge is the server's own and replays): let MailKit pick PLAIN.
            foreach (var mechanism in client.AuthenticationMechanisms.Where(m => m.StartsWith("SCRAM", StringComparison.Ordinal)).ToList())
                client.AuthenticationMechanisms.Remove(mechanism);
            client.Authenticate(account.User, password);
            var inbox = client.Inbox;
            inbox.Open(FolderAccess.ReadWrite);
            // A replay expects the very bytes: the message's id and date are fixed, not made up by MimeKit each time.
            var message = new MimeKit.MimeMessage(new[] { new MimeKit.MailboxAddress("A", "a@example.org") },
                new[] { new MimeKit.MailboxAddress("B", "b@example.org") }, "from MailKit", new MimeKit.TextPart("plain") { Text = "hello" })
            {
                MessageId = "mailkit.1@example.org",
                Date = new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero),
            };
            inbox.Append(message, MessageFlags.None, new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
            var seen = inbox.Fetch(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags)
                .Select(summary => $"{summary.Index}: {summary.Envelope?.Subject} {summary.Flags}").ToList();
            client.Disconnect(quit: true);
            return seen;
        }
        List<string> live;
        IReadOnlyList<Transcript> recorded;
        using (var proxy = TranscriptServer.Record(Dovecot.Server.Host, Dovecot.Server.Port))
        {
            live = Run(proxy.Host, proxy.Port, account.Password);
            proxy.Dispose();
            recorded = proxy.Recorded;
        }
        Assert.That(string.Concat(recorded.Select(t => t.ToString())), Does.Not.Contain(account.Password));
        using var replay = TranscriptServer.Start(recorded);
        Assert.That(Run(replay.Host, replay.Port, "not the password"), Is.EqualTo(live));
        replay.AssertComplete();
    }
}
