using System.Text.RegularExpressions;
using ImapLib.Testing;
using ImapLib.Tests.Support;
using ScriptedIMAP4 = ImapLib.Testing.ScriptedIMAP4;
using Transcript = ImapLib.Testing.Transcript;

namespace ImapLib.Tests.Corpus;

/// <summary>The corpus's place and its heading: <c>ImapLib.Tests/Transcripts/SERVER/SCENARIO.imap</c>, whose first
/// lines say which scenario it is, the account it logged in as, and the server's folder prefix.</summary>
public static class CorpusFiles
{
    public static string Folder => Path.Combine(Repo.Root, "ImapLib.Tests", "Transcripts");

    public static string Heading(string scenario, string server, string user, string prefix) =>
        $"corpus: {scenario} on {server}\nuser: {user}\nfolders: {(prefix.Length == 0 ? "(top level)" : prefix)}\n" +
        "recorded by scripts/record-transcripts.sh (RecordingIMAP4); replayed by CorpusReplayTests";

    public static (string Scenario, string User, string Prefix) ReadHeading(string text)
    {
        var scenario = Regex.Match(text, @"^# corpus: (\S+) on ", RegexOptions.Multiline);
        var user = Regex.Match(text, @"^# user: (\S+)$", RegexOptions.Multiline);
        var prefix = Regex.Match(text, @"^# folders: (.*)$", RegexOptions.Multiline);
        if (!scenario.Success || !user.Success || !prefix.Success) throw new FormatException("a corpus transcript needs its heading");
        string folders = prefix.Groups[1].Value.Trim();
        return (scenario.Groups[1].Value, user.Groups[1].Value, folders == "(top level)" ? "" : folders);
    }

    /// <summary>Runs a scenario over a transcript with no server; returns what it printed.</summary>
    public static List<string> Replay(Transcript transcript, CorpusScenarios.Scenario scenario, string user, string prefix,
        out ScriptedIMAP4? connection)
    {
        var lines = new List<string>();
        ScriptedIMAP4? M = null;
        // Any password does: the recording holds {secret} where the real one went.
        scenario.Run(new CorpusScenarios.Session(() => M = new ScriptedIMAP4(transcript), user, "not the password", prefix, lines.Add));
        connection = M;
        return lines;
    }
}

/// <summary>
/// The corpus replayed with no server: every recorded transcript of a real server runs its scenario through the
/// whole library again and must print exactly what the live session printed, and follow the transcript to its end.
/// </summary>
public class CorpusReplayTests
{
    public static IEnumerable<TestCaseData> Recorded() =>
        Directory.Exists(CorpusFiles.Folder)
            ? Directory.EnumerateFiles(CorpusFiles.Folder, "*.imap", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(path => new TestCaseData(Path.GetRelativePath(CorpusFiles.Folder, path)).SetArgDisplayNames(Path.GetRelativePath(CorpusFiles.Folder, path)))
            : [];

    [TestCaseSource(nameof(Recorded))]
    public void A_recorded_session_replays_with_the_same_output(string file)
    {
        string path = Path.Combine(CorpusFiles.Folder, file);
        var transcript = Transcript.Load(path);
        var (name, user, prefix) = CorpusFiles.ReadHeading(transcript.ToString());
        var scenario = CorpusScenarios.All.Single(s => s.Name == name);
        var printed = CorpusFiles.Replay(transcript, scenario, user, prefix, out var M);
        Assert.That(printed, Is.EqualTo(File.ReadAllLines(Path.ChangeExtension(path, ".out"))));
        M!.AssertComplete();
    }

    [Test]
    public void The_corpus_holds_at_least_40_transcripts_from_at_least_3_real_servers()
    {
        var files = Directory.EnumerateFiles(CorpusFiles.Folder, "*.imap", SearchOption.AllDirectories).ToList();
        var servers = files.Select(f => Path.GetFileName(Path.GetDirectoryName(f))).Distinct().ToList();
        Assert.That(files, Has.Count.GreaterThanOrEqualTo(40));
        Assert.That(servers, Has.Count.GreaterThanOrEqualTo(3), string.Join(", ", servers));
        foreach (var file in files)
            Assert.That(File.Exists(Path.ChangeExtension(file, ".out")), $"{file} has no .out beside it");
    }
}

/// <summary>
/// The corpus recorded from the real servers of the test bed. Every run records each scenario against each server,
/// replays the recording with no server, and checks the session printed the same (the kit's round trip). With
/// <c>IMAPLIB_RECORD_CORPUS</c> set to a folder (scripts/record-transcripts.sh sets it to
/// <c>ImapLib.Tests/Transcripts</c>), the recordings and their output are written there.
/// </summary>
[TestFixture, Category("Server"), NonParallelizable]
public class CorpusRecordingTests
{
    /// <summary>A real server of the test bed, as the corpus uses it.</summary>
    public sealed record RealServer(string Name, Func<(string Host, int Port)> Address, Func<string, string> NewAccount, string FolderPrefix);

    public static readonly IReadOnlyList<RealServer> Servers =
    [
        new("dovecot", () => (Dovecot.Server.Host, Dovecot.Server.Port), password => Dovecot.NewAccount(password).User, ""),
        new("cyrus-3.6", () => (Cyrus.V36.Server.Host, Cyrus.V36.Server.Port), password => Cyrus.V36.NewAccount(password).User, ""),
        new("cyrus-3.10", () => (Cyrus.V310.Server.Host, Cyrus.V310.Server.Port), password => Cyrus.V310.NewAccount(password).User, ""),
        new("courier", () => (Courier.Server.Host, Courier.Server.Port), password => Courier.NewAccount(password).User, "INBOX."),
    ];

    public static IEnumerable<TestCaseData> Cases() =>
        from server in Servers
        from scenario in CorpusScenarios.All
        select new TestCaseData(server.Name, scenario.Name).SetArgDisplayNames(server.Name, scenario.Name);

    [TestCaseSource(nameof(Cases))]
    public void Recorded_then_replayed_prints_the_same(string serverName, string scenarioName)
    {
        var server = Servers.Single(s => s.Name == serverName);
        var scenario = CorpusScenarios.All.Single(s => s.Name == scenarioName);
        var (host, port) = server.Address();
        string password = $"pw {Guid.NewGuid():N}";
        string user = server.NewAccount(password);
        string? target = Environment.GetEnvironmentVariable("IMAPLIB_RECORD_CORPUS") is { Length: > 0 } dir
            ? Path.Combine(Path.GetFullPath(dir), server.Name, scenario.Name + ".imap") : null;

        if (scenario.Needs is { } needs)
        {
            // Offered before login (AUTH=...) or after it (most others).
            using var probe = new IMAP4(host, port, 30);
            var offered = probe.capabilities.ToHashSet();
            probe.login(user, password);
            offered.UnionWith(probe.capabilities);
            if (!offered.Contains(needs))
            {
                // A difference between servers, stated: nothing to record, and no stale recording may stay.
                Assert.That(target is null || !File.Exists(target), $"{target} is stale: {server.Name} does not offer {needs}");
                Assert.Pass($"{server.Name} does not offer {needs}");
            }
            probe.logout();
        }

        var live = new List<string>();
        RecordingIMAP4? recording = null;
        scenario.Run(new CorpusScenarios.Session(() => recording = new RecordingIMAP4(host, port, 30), user, password, server.FolderPrefix, live.Add));
        string text = string.Join("", CorpusFiles.Heading(scenario.Name, server.Name, user, server.FolderPrefix).Split('\n').Select(l => "# " + l + "\n"))
            + recording!.transcript;
        Assert.That(text, Does.Not.Contain(password), "a recording must never hold the password");

        var transcript = Transcript.Parse(text, $"{server.Name}/{scenario.Name}.imap");
        var replayed = CorpusFiles.Replay(transcript, scenario, user, server.FolderPrefix, out var M);
        Assert.That(replayed, Is.EqualTo(live));
        M!.AssertComplete();

        if (target is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            transcript.Save(target);
            File.WriteAllLines(Path.ChangeExtension(target, ".out"), live);
        }
    }
}
