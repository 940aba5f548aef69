using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// CPython's "private" methods that real scripts call to send a raw command or wait for a given response
/// (issue 16, section 3), each used as such a script uses it. Against the scripted server, and Dovecot for the
/// hand-made IDLE that scripts wrote before Python 3.14 had idle().
/// </summary>
public class UnderscoreApiTests
{
    [Test]
    public void A_hand_made_IDLE_with_new_tag_send_get_response_and_get_tagged_response()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 IDLE", "* PREAUTH ready");
            var idle = s.Expect("IDLE");
            s.Line("+ idling");
            s.Line("* 3 EXISTS");
            Assert.That(s.ReadLine(), Is.EqualTo("DONE"));
            s.Line(idle.Tag + " OK IDLE terminated");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        // tag = M._new_tag(); M.send(tag + b' IDLE\r\n')
        var tag = M._new_tag();
        Assert.That(tag, Is.EqualTo(M.tagpre + "1"u8), "tagpre and a counter (0 was CAPABILITY)");
        Assert.That(tag.ToString(), Is.EqualTo($"b'{M.tagpre.decode()}1'"), "bytes, as print(tag) shows them");
        Assert.That(M.tagged_commands[tag], Is.Null, "the tag is registered, so its reply is accepted");
        M.send(tag + " IDLE\r\n"u8);
        Assert.That(M._get_response(), Is.Null, "the continuation request");
        Assert.That(M.continuation_response!.decode(), Is.EqualTo("idling"));
        Assert.That(M._get_response()!.decode(), Is.EqualTo("* 3 EXISTS"));
        Assert.That(M.untagged_responses["EXISTS"], Is.EqualTo(new[] { ImapItem.FromString("3") }));
        M.send("DONE\r\n"u8.ToArray());
        var (typ, data) = M._get_tagged_response(tag);
        Assert.That((typ, PyRepr.Of(data)), Is.EqualTo(("OK", "[b'IDLE terminated']")));
        Assert.That(M.tagged_commands.ContainsKey(tag), Is.False);
        M.logout();
        server.Join();
    }

    [Test]
    public void Simple_command_command_and_command_complete_and_untagged_response()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1", "* PREAUTH ready");
            var noop = s.Expect("NOOP");
            s.Line("* 4 EXISTS");
            s.Line(noop.Tag + " OK done");
            var getquota = s.Expect("GETQUOTAROOT");
            Assert.That(getquota.Args, Is.EqualTo("INBOX"));
            s.Line("* QUOTAROOT INBOX \"\"");
            s.Line(getquota.Tag + " OK done");
            var select = s.Expect("SELECT");
            s.Line("* 0 EXISTS");
            s.Line(select.Tag + " OK [READ-WRITE] selected");
            var bad = s.Expect("CHECK");
            s.Line(bad.Tag + " BAD not now");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        var (typ, data) = M._simple_command("NOOP");
        Assert.That(typ, Is.EqualTo("OK"));
        // typ, dat = M._untagged_response(typ, dat, 'EXISTS')
        (typ, data) = M._untagged_response(typ, data, "EXISTS");
        Assert.That((typ, PyRepr.Of(data)), Is.EqualTo(("OK", "[b'4']")));
        var tag = M._command("GETQUOTAROOT", "INBOX");
        (typ, data) = M._command_complete("GETQUOTAROOT", tag);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(PyRepr.Of(M.untagged_responses["QUOTAROOT"]), Is.EqualTo("[b'INBOX \"\"']"));
        var e = Assert.Throws<IMAP4.error>(() => M._simple_command("CHECK"));
        Assert.That(e!.Message, Is.EqualTo("command CHECK illegal in state AUTH, only allowed in states SELECTED"), "the command table still rules");
        M.select();
        Assert.That(() => M._simple_command("CHECK"), Throws.TypeOf<IMAP4.error>().With.Message.EqualTo("CHECK command error: BAD [b'not now']"));
        Assert.Throws<ArgumentException>(() => M._command("NOOP", "x\r\nA1 LOGOUT"), "arguments are still checked");
        M.logout();
        server.Join();
    }

    [Test]
    public void Check_bye_raises_abort_with_the_servers_text()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1", "* PREAUTH ready");
            var noop = s.Expect("NOOP");
            s.Line("* BYE shutting down for maintenance");
            s.Line(noop.Tag + " OK done");
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        M._check_bye();   // nothing said yet: no exception
        var tag = M._command("NOOP");
        Assert.That(() => M._command_complete("NOOP", tag), Throws.TypeOf<IMAP4.abort>());
        var e = Assert.Throws<IMAP4.abort>(() => M._check_bye());
        Assert.That(e!.Message, Is.EqualTo("shutting down for maintenance"));
        M.shutdown();
        server.Join();
    }

    [Category("Server")]
    [Test]
    public void Dovecot_hand_made_IDLE_sees_an_append_from_another_connection()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        M.select("INBOX");
        M.untagged_responses.Clear();
        using var other = account.Connect();
        // The message arrives first: Dovecot reports the change as soon as IDLE starts, without waiting for a push.
        other.append("INBOX", null, null, "Subject: pushed\r\n\r\nhi\r\n"u8.ToArray());
        var tag = M._new_tag();
        M.send(Encoding.ASCII.GetBytes($"{tag.decode()} IDLE\r\n"));   // b'%s IDLE\r\n' % tag, through text
        bool continued = false;
        while (!continued || !M.untagged_responses.ContainsKey("EXISTS"))
            continued |= M._get_response() is null;   // the continuation request, and the EXISTS, in either order
        Assert.That(M.untagged_responses["EXISTS"][^1]!.decode(), Is.EqualTo("1"));
        M.send("DONE\r\n"u8.ToArray());
        Assert.That(M._get_tagged_response(tag).typ, Is.EqualTo("OK"));
        Assert.That(M.noop().typ, Is.EqualTo("OK"), "the session goes on");
    }
}
