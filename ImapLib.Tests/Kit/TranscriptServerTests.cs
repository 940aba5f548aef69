using ImapLib.Testing;

namespace ImapLib.Tests.Kit;

/// <summary>Transcripts served on a loopback port, to a client that makes its own connection: plain, TLS from the first
/// byte, STARTTLS and COMPRESS for real, several connections, and mismatches raised to the test from the server's
/// thread.</summary>
public class TranscriptServerTests
{
    private const string Session = """
        S: * OK [CAPABILITY IMAP4rev1 STARTTLS COMPRESS=DEFLATE] ready
        C: {tag} LOGIN joe {secret}
        S: {tag} OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] logged in
        C: {tag} SELECT INBOX
        S: * 2 EXISTS
        S: {tag} OK [READ-WRITE] done
        C: {tag} LOGOUT
        S: * BYE bye
        S: {tag} OK done
        """;

    private static void Run(IMAP4 M)
    {
        M.login("joe", "whatever");
        Assert.That(M.select().ToString(), Is.EqualTo("('OK', [b'2'])"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
    }

    [Test]
    public void A_recording_of_a_refused_synchronising_literal_frames_the_next_command_as_a_command()
    {
        // Found migrating EngineTests: the recorder took the client's next command for the refused literal's bytes.
        const string session = """
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} APPEND Nope {11}
            S: {tag} NO [TRYCREATE] No such mailbox
            C: {tag} NOOP
            S: {tag} OK done
            C: {tag} LOGOUT
            S: * BYE bye
            """;
        using var server = TranscriptServer.Start(Transcript.Parse(session));
        using var M = new RecordingIMAP4(server.Host, server.Port, 10);
        Assert.That(M.append("Nope", null, null, "SECRET-BODY"u8.ToArray()).typ, Is.EqualTo("NO"));
        M.noop();
        M.logout();
        server.AssertComplete();
        Assert.That(M.transcript.ToString(), Is.EqualTo(Transcript.Parse(session).ToString()));
    }

    [Test]
    public void A_plain_client_plays_the_transcript()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Session));
        Assert.That(server.SslContext, Is.Null);
        Run(new IMAP4(server.Host, server.Port, 10));
        server.AssertComplete();
    }

    [Test]
    public void IMAP4_SSL_verifies_the_servers_certificate_through_its_SslContext()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Session), tls: true);
        Run(new IMAP4_SSL(server.Host, server.Port, ssl_context: server.SslContext, timeout: 10));
        server.AssertComplete();
        Assert.That(server.Certificate!.Subject, Is.EqualTo("CN=localhost"));
    }

    [Test]
    public void Without_its_SslContext_the_certificate_is_refused()
    {
        using var server = TranscriptServer.Start([Transcript.Parse(Session), Transcript.Parse(Session)], tls: true);
        var e = Assert.Throws<IMAP4.abort>(() => new IMAP4_SSL(server.Host, server.Port, timeout: 10))!;
        Assert.That(e.Message, Does.Contain("TLS handshake"));
        Run(new IMAP4_SSL("localhost", server.Port, ssl_context: server.SslContext, timeout: 10));   // the name verifies too
        // The client gave up on the first connection after the handshake: the server saw it go before the login.
        var mismatch = Assert.Throws<TranscriptMismatchException>(server.AssertComplete)!;
        Assert.That((mismatch.LineNumber, mismatch.Expected), Is.EqualTo((2, "C: {tag} LOGIN joe {secret}")));
    }

    [Test]
    public void STARTTLS_and_COMPRESS_switch_for_real()
    {
        using var server = TranscriptServer.Start(Transcript.Parse("""
            S: * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
            C: {tag} STARTTLS
            S: {tag} OK begin TLS
            @starttls
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 COMPRESS=DEFLATE
            S: {tag} OK done
            C: {tag} LOGIN joe {secret}
            S: {tag} OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] logged in
            C: {tag} COMPRESS DEFLATE
            S: {tag} OK deflating
            @compress
            C: {tag} NOOP
            S: * 5 EXISTS
            S: {tag} OK done
            C: {tag} LOGOUT
            S: * BYE bye
            S: {tag} OK done
            """));
        using var M = new IMAP4(server.Host, server.Port, 10);
        M.starttls(server.SslContext);
        M.login("joe", "pw");
        Assert.That(M.compress().typ, Is.EqualTo("OK"));
        Assert.That(M.noop().ToString(), Is.EqualTo("('OK', [b'done'])"));
        Assert.That(M.untagged_responses["EXISTS"][0]!.ToString(), Is.EqualTo("b'5'"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void A_mismatch_on_the_servers_thread_reaches_the_test()
    {
        var server = TranscriptServer.Start(Transcript.Parse(Session, "session.imap"));
        var M = new IMAP4(server.Host, server.Port, 10);
        M.login("joe", "pw");
        // The server closes the connection at the mismatch: the client sees it drop.
        Assert.Throws<IMAP4.abort>(() => M.select("Archive"));
        var e = Assert.Throws<TranscriptMismatchException>(server.Dispose)!;
        Assert.That(e.Message, Is.EqualTo($"session.imap, line 4: the client sent a different line\n  expected: C: {{tag}} SELECT INBOX\n  actual:   C: {M.tagpre.decode()}1 SELECT Archive"));
        server.Dispose();   // reported once
    }

    [Test]
    public void Connections_take_the_transcripts_in_order_and_an_extra_one_is_reported()
    {
        var first = Transcript.Parse("S: * PREAUTH one\nC: {tag} CAPABILITY\nS: * CAPABILITY IMAP4rev1\nS: {tag} OK one\n");
        var second = Transcript.Parse("S: * PREAUTH two\nC: {tag} CAPABILITY\nS: * CAPABILITY IMAP4rev1\nS: {tag} OK two\n");
        using var server = TranscriptServer.Start([first, second]);
        // Disposing logs out: after the end of its transcript the server answers LOGOUT by itself.
        using (var one = new IMAP4(server.Host, server.Port, 10)) Assert.That(one.welcome.decode(), Is.EqualTo("* PREAUTH one"));
        using (var two = new IMAP4(server.Host, server.Port, 10)) Assert.That(two.welcome.decode(), Is.EqualTo("* PREAUTH two"));
        Assert.Throws<IMAP4.abort>(() => new IMAP4(server.Host, server.Port, 10));
        var e = Assert.Throws<TranscriptMismatchException>(server.AssertComplete)!;
        Assert.That(e.Message, Is.EqualTo("transcript, line 1: the client made connection 3, but the server has only 2 transcript(s)"));
    }

    [Test]
    public void A_transcript_never_connected_fails_AssertComplete()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Session, "unused.imap"));
        var e = Assert.Throws<TranscriptMismatchException>(server.AssertComplete)!;
        Assert.That(e.Message, Is.EqualTo("unused.imap, line 1: 1 of 1 transcripts were never played: the client made 0 connection(s)"));
    }

    [Test]
    public void IDLE_waits_in_real_time_and_ends_with_DONE()
    {
        using var server = TranscriptServer.Start(Transcript.Parse("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 IDLE
            S: {tag} OK done
            C: {tag} IDLE
            S: + idling
            S: * 4 EXISTS
            C: DONE
            S: {tag} OK idle done
            """));
        using var M = new IMAP4(server.Host, server.Port, 10);
        var seen = new List<string>();
        using (var idler = M.idle(duration: 0.3))
        {
            foreach (var response in idler) seen.Add(response.ToString());
        }
        Assert.That(seen, Is.EqualTo(new[] { "('EXISTS', [b'4'])" }));
        server.AssertComplete();
    }
}
