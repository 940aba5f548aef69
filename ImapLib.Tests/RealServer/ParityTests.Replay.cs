using ImapLib.Testing;
using ImapLib.Tests.Support;
using Transcript = ImapLib.Testing.Transcript;

namespace ImapLib.Tests;

/// <summary>
/// The test kit's promise, on every porting example: the C# example runs against Dovecot through the kit's recording
/// proxy (<see cref="TranscriptServer.Record"/>), then again against the recorded transcripts alone
/// (<see cref="TranscriptServer.Start(IEnumerable{Transcript}, bool)"/>, no IMAP server), and prints byte for byte
/// the same output — timings, UIDVALIDITY values and all, since the replay serves the very bytes Dovecot sent.
/// </summary>
public partial class ParityTests
{
    [TestCaseSource(nameof(Pairs))]
    public void Recorded_then_replayed_without_a_server_prints_the_same(string example)
    {
        var folder = ExamplesFolder;
        foreach (var step in example == Setup ? [Setup] : new[] { Setup, example })
        {
            var build = FileApps.Example(folder, step);
            if (build.Dll is null) Assert.Fail($"{step}.cs does not build:\n{build.Log}");
        }
        var account = Dovecot.NewAccount($"pw {Guid.NewGuid():N}");   // a password no recording could hold by chance
        SideOutput live;
        IReadOnlyList<Transcript> recorded;
        using (var proxy = TranscriptServer.Record(Dovecot.Server.Host, Dovecot.Server.Port))
        {
            live = RunSide(folder, example, csharp: true, account, (proxy.Host, proxy.Port));
            proxy.Dispose();   // joins the proxy's threads: every session is whole
            recorded = proxy.Recorded;
        }
        Assert.That(recorded, Is.Not.Empty, "the example made no connection");
        Assert.That(string.Join("\n", recorded.Select(t => t.ToString())), Does.Not.Contain(account.Password),
            "a recording must never hold the password");

        SideOutput replayed;
        using (var replay = TranscriptServer.Start(recorded))
        {
            replayed = RunSide(folder, example, csharp: true, account, (replay.Host, replay.Port));
            replay.AssertComplete();
        }
        Assert.That(replayed.Lines, Is.EqualTo(live.Lines), $"live stderr:\n{live.Stderr}\nreplay stderr:\n{replayed.Stderr}");
        TestContext.Out.WriteLine($"{example}: {recorded.Count} connection(s), {recorded.Sum(t => t.Steps.Count)} steps, {live.Lines.Count} lines of output");
    }
}
