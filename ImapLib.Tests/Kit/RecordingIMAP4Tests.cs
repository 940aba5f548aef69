using ImapLib.Testing;

namespace ImapLib.Tests.Kit;

/// <summary>The kit's recording connections.</summary>
public class RecordingIMAP4Tests
{
    private const string StreamedFetch = """
        S: * PREAUTH ready
        C: {tag} CAPABILITY
        S: * CAPABILITY IMAP4rev1
        S: {tag} OK done
        C: {tag} SELECT INBOX
        S: {tag} OK [READ-WRITE] done
        C: {tag} FETCH 1 (BODY[])
        S: * 1 FETCH (BODY[] {12}
        S: Hello
        S: world)
        S: {tag} OK done
        C: {tag} NOOP
        S: {tag} OK done
        C: {tag} LOGOUT
        S: * BYE
        S: {tag} OK bye
        """;

    private static string Session(IMAP4 M)
    {
        M.select();
        using var sink = new MemoryStream();
        var fetched = M.fetch("1", "(BODY[])", literal_sink: _ => sink);
        string result = $"{fetched} {Convert.ToHexString(sink.ToArray())} {M.noop()}";
        M.logout();
        return result;
    }

    [Test]
    public void A_streaming_fetch_is_recorded_byte_for_byte_and_replays()
    {
        // The built-in read hook copies a streamed literal straight to the caller's stream and returns nothing: the
        // recording used to take that for the server closing the connection, and wrote '@close' in mid-session (a
        // transcript that did not even parse: "nothing can follow @close").
        using var server = TranscriptServer.Start(Transcript.Parse(StreamedFetch));
        string live;
        Transcript recorded;
        using (var M = new RecordingIMAP4(server.Host, server.Port, timeout: 30))
        {
            live = Session(M);
            recorded = M.transcript;
        }
        server.AssertComplete();
        Assert.That(live, Is.EqualTo("('OK', [(b'1 (BODY[] {12}', b''), b')']) 48656C6C6F0D0A776F726C64 ('OK', [b'done'])"));
        Assert.That(recorded.ToString(), Does.Contain("S: * 1 FETCH (BODY[] {12}\nS: Hello\nS: world)\nS: {tag} OK done\n"));
        using var R = new ScriptedIMAP4(recorded);
        Assert.That(Session(R), Is.EqualTo(live));
        R.AssertComplete();
    }

    [Test]
    public void The_recording_proxy_stops_at_STARTTLS_and_says_why()
    {
        var upstream = TranscriptServer.Start(Transcript.Parse("""
            S: * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
            C: {tag} STARTTLS
            S: {tag} OK begin TLS
            @starttls
            """));
        using var proxy = TranscriptServer.Record(upstream.Host, upstream.Port);
        using (var M = new IMAP4(proxy.Host, proxy.Port, timeout: 30))
            Assert.Throws<IMAP4.abort>(() => M.starttls());
        var e = Assert.Throws<NotSupportedException>(proxy.AssertComplete)!;
        Assert.That(e.Message, Is.EqualTo("the recording proxy cannot see inside STARTTLS: record this session with RecordingIMAP4"));
        Assert.That(proxy.Recorded[0].ToString(), Does.StartWith("S: * OK [CAPABILITY IMAP4rev1 STARTTLS] ready\nC: {tag} STARTTLS\n"));   // then @close, once the server hangs up
        // The real server saw the client go away before STARTTLS.
        Assert.Throws<TranscriptMismatchException>(upstream.Dispose);
    }
}
