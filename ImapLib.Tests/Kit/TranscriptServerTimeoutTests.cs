using ImapLib.Testing;

namespace ImapLib.Tests.Kit;

/// <summary>The transcript server's wait for a silent client.</summary>
public class TranscriptServerTimeoutTests
{
    [Test]
    public void A_silent_client_fails_after_the_ClientTimeout_the_test_set()
    {
        // ClientTimeout was init-only on a class made only by factory methods, so no test could shorten it; and
        // AssertComplete waited exactly as long as the server's read, so the time-out raced "the session ended before".
        var server = TranscriptServer.Start(Transcript.Parse("""
            S: * OK [CAPABILITY IMAP4rev1] ready
            C: {tag} NOOP
            S: {tag} OK done
            """));
        server.ClientTimeout = TimeSpan.FromSeconds(1);
        using var M = new IMAP4(server.Host, server.Port, timeout: 30);   // reads the greeting, then sends nothing
        var e = Assert.Throws<TranscriptMismatchException>(server.AssertComplete)!;
        Assert.That(e.Message, Is.EqualTo("transcript, line 2: the client sent nothing for 1 s\n  expected: C: {tag} NOOP"));
        M.shutdown();
        server.Dispose();   // already reported: Dispose does not raise it again
    }
}
