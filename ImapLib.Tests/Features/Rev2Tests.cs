using ImapLib.Testing;
using ScriptedIMAP4 = ImapLib.Testing.ScriptedIMAP4;

namespace ImapLib.Tests.Features;

/// <summary>
/// IMAP4rev2 (RFC 9051) with Python scripts unchanged, against scripted rev2 servers stricter than any installable one
/// (Cyrus 3.10 and the rev2-only Dovecot are tested in RealServer): results keep imaplib's shapes.
/// </summary>
public class Rev2Tests
{
    /// <summary>A server that speaks IMAP4rev2 alone, logged in.</summary>
    private const string Rev2Login = """
        S: * OK [CAPABILITY IMAP4rev2 AUTH=PLAIN] rev2 only
        C: {tag} LOGIN joe {secret}
        S: {tag} OK [CAPABILITY IMAP4rev2 IDLE MOVE] logged in
        """;

    private const string Rev2Select = """
        C: {tag} SELECT INBOX
        S: * 9 EXISTS
        S: * LIST () "/" INBOX
        S: * OK [UIDVALIDITY 3857529045] UIDs valid
        S: * OK [UIDNEXT 10] next
        S: * FLAGS (\Seen \Deleted)
        S: {tag} OK [READ-WRITE] selected
        """;

    private static ScriptedIMAP4 Rev2(string rest)
    {
        var M = new ScriptedIMAP4(Rev2Login + "\n" + rest);
        M.login("joe", "pw");
        return M;
    }

    [Test]
    public void A_rev2_only_server_connects_and_says_so()
    {
        using var M = Rev2("");
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV2"));
        M.AssertComplete();
    }

    [Test]
    public void ESEARCH_answers_become_SEARCH_shapes_and_only_this_commands_are_taken()
    {
        using var M = Rev2(Rev2Select + "\n" + """
            C: {tag} SEARCH UNSEEN
            S: * ESEARCH (TAG "{tag}") ALL 4:6,9
            S: {tag} OK done
            C: {tag} UID SEARCH ALL
            S: * ESEARCH (TAG "{tag}") UID ALL 17
            S: {tag} OK done
            C: {tag} SEARCH SUBJECT nothing
            S: * ESEARCH (TAG "ZZZZ9") ALL 1
            S: * ESEARCH (TAG "{tag}")
            S: {tag} OK done
            """);
        M.select();
        Assert.That(M.search(null, "UNSEEN").ToString(), Is.EqualTo("('OK', [b'4 5 6 9'])"));
        Assert.That(M.uid("SEARCH", "ALL").ToString(), Is.EqualTo("('OK', [b'17'])"));
        Assert.That(M.search(null, "SUBJECT", "nothing").ToString(), Is.EqualTo("('OK', [b''])"));
        Assert.That(M.response("ESEARCH").ToString(), Is.EqualTo("('ESEARCH', [b'(TAG \"ZZZZ9\") ALL 1'])"), "another command's answer stays");
        M.AssertComplete();
    }

    [Test]
    public void ESEARCH_without_ENABLE_is_read_too()
    {
        using var M = new ScriptedIMAP4("""
            S: * PREAUTH [CAPABILITY IMAP4rev1 ESEARCH] ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 ESEARCH
            S: {tag} OK done
            C: {tag} EXAMINE INBOX
            S: * 3 EXISTS
            S: {tag} OK [READ-ONLY] done
            C: {tag} SEARCH ALL
            S: * ESEARCH (TAG "{tag}") ALL 1:3
            S: {tag} OK done
            """);
        M.select("INBOX", @readonly: true);
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV1"));
        Assert.That(M.search(null, "ALL").ToString(), Is.EqualTo("('OK', [b'1 2 3'])"));
        M.AssertComplete();
    }

    [Test]
    public void The_LIST_that_SELECT_brings_does_not_join_the_next_list()
    {
        using var M = Rev2(Rev2Select + "\n" + """
            C: {tag} LIST "" *
            S: * LIST () "/" INBOX
            S: * LIST (\HasNoChildren) "/" Drafts
            S: {tag} OK listed
            """);
        Assert.That(M.select().ToString(), Is.EqualTo("('OK', [b'9'])"));
        Assert.That(M.list().ToString(), Is.EqualTo("('OK', [b'() \"/\" INBOX', b'(\\\\HasNoChildren) \"/\" Drafts'])"));
        M.AssertComplete();
    }

    [Test]
    public void Without_RECENT_recent_answers_as_CPython_does_when_none_came()
    {
        using var M = Rev2(Rev2Select + "\n" + """
            C: {tag} NOOP
            S: {tag} OK nothing new
            """);
        M.select();
        Assert.That(M.recent().ToString(), Is.EqualTo("('OK', [None])"));
        M.AssertComplete();
    }

    [Test]
    public void In_rev2_mode_check_sends_NOOP_and_lsub_sends_LIST_SUBSCRIBED()
    {
        using var M = Rev2(Rev2Select + "\n" + """
            C: {tag} NOOP
            S: {tag} OK NOOP completed
            C: {tag} LIST (SUBSCRIBED) "" *
            S: * LIST (\Subscribed) "/" INBOX
            S: {tag} OK listed
            """);
        M.select();
        Assert.That(M.check().typ, Is.EqualTo("OK"));
        Assert.That(M.lsub().ToString(), Is.EqualTo("('OK', [b'(\\\\Subscribed) \"/\" INBOX'])"));
        M.AssertComplete();
    }

    [Test]
    public void In_rev1_mode_a_BAD_for_CHECK_or_LSUB_is_an_error_as_in_CPython()
    {
        using var M = new ScriptedIMAP4("""
            S: * PREAUTH [CAPABILITY IMAP4rev1] ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} LSUB "" *
            S: {tag} BAD unknown command
            C: {tag} SELECT INBOX
            S: {tag} OK [READ-WRITE] done
            C: {tag} CHECK
            S: {tag} BAD unknown command
            """);
        Assert.That(Assert.Throws<IMAP4.error>(() => M.lsub())!.Message, Is.EqualTo("LSUB command error: BAD [b'unknown command']"));
        M.select();
        Assert.That(Assert.Throws<IMAP4.error>(() => M.check())!.Message, Is.EqualTo("CHECK command error: BAD [b'unknown command']"));
        M.AssertComplete();
    }

    [Test]
    public void Mailbox_names_are_UTF8_in_rev2_and_modified_UTF7_in_rev1()
    {
        using var rev2 = Rev2("""
            C: {tag} CREATE "Entwürfe"
            S: {tag} OK created
            """);
        Assert.That(rev2.create("Entwürfe").typ, Is.EqualTo("OK"));
        rev2.AssertComplete();
        using var rev1 = new ScriptedIMAP4("""
            S: * OK [CAPABILITY IMAP4rev1] ready
            C: {tag} LOGIN joe {secret}
            S: {tag} OK [CAPABILITY IMAP4rev1] logged in
            C: {tag} CREATE Entw&APw-rfe
            S: {tag} OK created
            """);
        rev1.login("joe", "pw");
        Assert.That(rev1.create("Entwürfe").typ, Is.EqualTo("OK"));
        rev1.AssertComplete();
    }

    [Test]
    public void ENABLE_IMAP4rev2_switches_only_when_the_server_says_ENABLED()
    {
        using var M = new ScriptedIMAP4("""
            S: * OK [CAPABILITY IMAP4rev1 IMAP4rev2] both
            C: {tag} LOGIN joe {secret}
            S: {tag} OK [CAPABILITY IMAP4rev1 IMAP4rev2] logged in
            C: {tag} ENABLE IMAP4rev2
            S: {tag} OK nothing enabled
            C: {tag} ENABLE IMAP4rev2
            S: * ENABLED IMAP4rev2
            S: {tag} OK enabled
            """);
        M.login("joe", "pw");
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV1"), "a server advertising both stays rev1 until ENABLE");
        Assert.That(M.enable("IMAP4rev2").typ, Is.EqualTo("OK"));   // ENABLE is rev2's base: no ENABLE token needed
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV1"), "a bare OK enables nothing");
        Assert.That(M.enable("IMAP4rev2").ToString(), Is.EqualTo("('OK', [b'enabled'])"), "the tagged reply, as CPython");
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV2"));
        Assert.That(M.response("ENABLED").ToString(), Is.EqualTo("('ENABLED', [b'IMAP4rev2'])"));
        M.AssertComplete();
    }

    [Test]
    public void Literal8_unknown_response_codes_and_empty_texts_are_parsed()
    {
        using var M = Rev2(Rev2Select + "\n" + """
            C: {tag} FETCH 1 (BINARY[])
            S: * OK [XYZZY some future code] noted
            S: * 1 FETCH (BINARY[] ~{5}
            S! a\x00b\xffc)\r\n
            S: {tag} OK
            """);
        M.select();
        var (typ, data) = M.fetch("1", "(BINARY[])");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0]!.Header.decode(), Is.EqualTo("1 (BINARY[] ~{5}"));
        Assert.That(data[0]!.Body, Is.EqualTo(new byte[] { (byte)'a', 0, (byte)'b', 0xff, (byte)'c' }));
        Assert.That(M.response("XYZZY").ToString(), Is.EqualTo("('XYZZY', [b'some future code'])"));
        M.AssertComplete();
    }

    [Test]
    public void A_literal_beyond_64_bits_of_sense_is_refused_cleanly()
    {
        using var M = Rev2(Rev2Select + "\n" + """
            C: {tag} FETCH 1 (BINARY[])
            S: * 1 FETCH (BINARY[] ~{18446744073709551615}
            @close
            """);
        M.select();
        var e = Assert.Throws<IMAP4.abort>(() => M.fetch("1", "(BINARY[])"))!;
        Assert.That(e.Message, Does.Contain("larger than this client accepts"));
    }
}
