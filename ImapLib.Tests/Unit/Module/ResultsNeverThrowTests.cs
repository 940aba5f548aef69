using System.Text.Json;
using ImapLib.Testing;

namespace ImapLib.Tests.Unit.Module;

/// <summary>Nothing the library produces throws when printed, enumerated, converted to bytes or serialised.</summary>
public class ResultsNeverThrowTests
{
    [Test]
    public void Every_kind_of_result_prints_enumerates_converts_and_round_trips_through_json()
    {
        var transcript = Transcript.Parse("""
            S: * PREAUTH hi
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 QUOTA
            S: {tag} OK done
            C: {tag} SELECT INBOX
            S: * 2 EXISTS
            S: {tag} OK [READ-WRITE] done
            C: {tag} FETCH 1:2 (FLAGS BODY[])
            S: * 1 FETCH (FLAGS (\Seen) BODY[] {4}
            S: ab
            S: )
            S: * 2 FETCH (FLAGS () BODY[] {0}
            S: )
            S: {tag} OK done
            C: {tag} GETQUOTAROOT INBOX
            S: * QUOTAROOT INBOX ""
            S: * QUOTA "" (STORAGE 10 512)
            S: {tag} OK done
            C: {tag} SEARCH UNSEEN
            S: * SEARCH
            S: {tag} OK done
            """);
        using var M = new ScriptedIMAP4(transcript);
        var results = new List<ImapResult>
        {
            M.select(),
            M.fetch("1:2", "(FLAGS BODY[])"),
            M.getquotaroot("INBOX"),
            M.search(null, "UNSEEN"),
            M.response("NOTHING"),   // [None]
        };
        M.AssertComplete();
        foreach (var result in results)
        {
            Assert.That(result.ToString(), Does.StartWith("('"));
            foreach (var item in result.data) Walk(item);
            string json = JsonSerializer.Serialize(result.data);
            var back = JsonSerializer.Deserialize<List<ImapItem?>>(json);
            Assert.That(back, Is.EqualTo(result.data), json);
        }
        Assert.That(JsonSerializer.Serialize(results[1].data[0]), Is.EqualTo("""{"header":"MSAoRkxBR1MgKFxTZWVuKSBCT0RZW10gezR9","literal":"YWINCg=="}"""));
        Assert.That(results[4].ToString(), Is.EqualTo("('NOTHING', [None])"));
    }

    private static void Walk(ImapItem? item)
    {
        _ = item?.ToString();
        byte[]? bytes = item;
        if (item is null) { Assert.That(bytes, Is.Null); return; }
        Assert.That(bytes, Is.Not.Null);
        foreach (var part in item) Walk(part);
    }
}
