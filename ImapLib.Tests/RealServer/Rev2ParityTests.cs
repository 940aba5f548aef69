using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// Issue 22's promise: a Python-style script (connect, login, <c>enable("IMAP4rev2")</c>, append, select, search,
/// <c>uid SEARCH</c>, list, fetch, logout) prints the same against Cyrus 3.10, which really switches to IMAP4rev2, as
/// against Dovecot 2.3, which stays IMAP4rev1 (it answers ENABLE IMAP4rev2 with a bare OK). The lines that differ by
/// the servers' design are listed in <see cref="ByDesign"/>, each with its reason; any other difference fails.
/// </summary>
[TestFixture, Category("Server")]
public class Rev2ParityTests
{
    /// <summary>The script, printing each result as Python prints it.</summary>
    private static List<string> Script(IMAP4 M, string user, string password, string folder)
    {
        var lines = new List<string>();
        void Show(string label, ImapResult result) => lines.Add($"{label}: {result}");
        Show("login", M.login(user, password) is var (typ, _) ? (typ, []) : default);
        lines.Add($"enable: {M.enable("IMAP4rev2").typ}");
        lines.Add($"version: {M.PROTOCOL_VERSION}");
        Show("create", M.create(folder) is var (t, _) ? (t, []) : default);
        for (int i = 1; i <= 3; i++)
            lines.Add($"append {i}: {M.append(folder, i == 2 ? @"(\Seen)" : null, null, Encoding.ASCII.GetBytes($"Subject: note {i}\r\n\r\nbody {i}\r\n")).typ}");
        Show("select", M.select(folder));
        Show("search all", M.search(null, "ALL"));
        Show("search unseen", M.search(null, "UNSEEN"));
        Show("search none", M.search(null, "SUBJECT", "nothing-matches"));
        Show("uid search", M.uid("SEARCH", "ALL"));
        Show("fetch", M.fetch("2", "(BODY.PEEK[])"));
        Show("fetch flags", M.fetch("1:3", "(FLAGS)"));
        var (listTyp, listed) = M.list("", folder);
        string? name = listed.Count > 0 && listed[^1] is { } last ? (last.IsPair ? last.Body : last.Bytes).decode().Split(' ')[^1] : null;
        lines.Add($"list: {listTyp} {listed.Count} mailbox(es), the folder: {name == folder}");
        lines.Add($"logout: {M.logout().typ}");
        return lines;
    }

    /// <summary>Lines that differ between the two by design: the line's label, and why.</summary>
    private static readonly Dictionary<string, string> ByDesign = new()
    {
        ["version"] = "Cyrus 3.10 answers * ENABLED IMAP4rev2, so the session is rev2; Dovecot 2.3 answers a bare OK and stays rev1",
        ["fetch flags"] = "both mark the new messages \\Recent, but Cyrus lists \\Recent before \\Seen and Dovecot after it",
    };

    [Test]
    public void The_same_script_prints_the_same_against_Cyrus_in_rev2_and_Dovecot_in_rev1()
    {
        var dovecot = Dovecot.NewAccount();
        var cyrus = Cyrus.V310.NewAccount();
        List<string> onDovecot, onCyrus;
        using (var M = new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, 30))
            onDovecot = Script(M, dovecot.User, dovecot.Password, "Notes");
        using (var M = new IMAP4(Cyrus.V310.Server.Host, Cyrus.V310.Server.Port, 30))
            onCyrus = Script(M, cyrus.User, cyrus.Password, "INBOX.Notes");   // Cyrus refuses top-level folders
        Assert.That(onCyrus, Has.Count.EqualTo(onDovecot.Count));
        Assert.That(onCyrus, Does.Contain("version: IMAP4REV2"));
        Assert.That(onDovecot, Does.Contain("version: IMAP4REV1"));
        for (int i = 0; i < onDovecot.Count; i++)
        {
            string label = onDovecot[i][..onDovecot[i].IndexOf(':')];
            if (ByDesign.TryGetValue(label, out var reason))
            {
                Assert.That(onCyrus[i], Is.Not.EqualTo(onDovecot[i]), $"'{label}' no longer differs: remove it from ByDesign");
                TestContext.Out.WriteLine($"by design ({reason}):\n  Dovecot: {onDovecot[i]}\n  Cyrus:   {onCyrus[i]}");
                continue;
            }
            Assert.That(onCyrus[i], Is.EqualTo(onDovecot[i]), $"line {i + 1} ({label}) differs, and not by design");
        }
    }
}
