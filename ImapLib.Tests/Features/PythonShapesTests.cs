using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// The last Python shapes (issue 23 §2), each written as the Python line ports: <c>_new_tag()</c> gives bytes,
/// the library's lists take negative indexes and slices, and CPython's <c>literal</c> attribute is sent by the next
/// command. The expected values are what python3 prints for the same lines.
/// </summary>
public class PythonShapesTests
{
    /// <summary>A PREAUTH session whose conversation goes on with <paramref name="rest"/>.</summary>
    private static ObservedIMAP4 Session(string rest) => new(Scripts.Preauth() + rest);

    /// <summary>SELECT INBOX answered with three messages.</summary>
    private const string Select = """
        C: {tag} SELECT INBOX
        S: * 3 EXISTS
        S: {tag} OK [READ-WRITE] done

        """;

    [Test]
    public void New_tag_is_bytes_and_ports_every_use_of_it()
    {
        using var M = Session("""
            C: {tag} NOOP
            S: {tag} OK done
            C: {tag} NOOP
            S: {tag} OK done
            """);
        // tag = M._new_tag(); print(tag); M.send(tag + b' NOOP\r\n'); print(M._get_tagged_response(tag))
        var tag = M._new_tag();
        Assert.That(tag.ToString(), Is.EqualTo($"b'{M.tagpre.decode()}1'"));
        Assert.That(M.tagged_commands[tag], Is.Null);
        M.send(tag + " NOOP\r\n"u8);
        Assert.That(M._get_tagged_response(tag).ToString(), Is.EqualTo("('OK', [b'done'])"));
        // M.send(('%s NOOP\r\n' % tag.decode()).encode()): the text route, as f-strings write it
        tag = M._new_tag();
        M.send(Encoding.ASCII.GetBytes($"{tag.decode()} NOOP\r\n"));
        Assert.That(M._get_tagged_response(tag).typ, Is.EqualTo("OK"));
        Assert.That(M.SentText, Does.Contain($"{M.tagpre.decode()}1 NOOP\r\n").And.Contain($"{M.tagpre.decode()}2 NOOP\r\n"));
        M.AssertComplete();
    }

    [Test]
    public void Lists_from_the_library_take_negative_indexes_and_slices()
    {
        using var M = Session(Select + """
            C: {tag} SEARCH ALL
            S: * SEARCH 1 2 3
            S: {tag} OK done
            """);
        M.select();
        var (_, data) = M.search(null, "ALL");
        var ids = data[0].split();
        Assert.That(ids[-1].ToString(), Is.EqualTo("b'3'"));             // ids[-1]
        Assert.That(ids[-3].ToString(), Is.EqualTo("b'1'"));             // ids[-3]
        Assert.That(ids[^2..].ToString(), Is.EqualTo("[b'2', b'3']"));   // ids[-2:]
        Assert.That(ids[..5].ToString(), Is.EqualTo("[b'1', b'2', b'3']"), "ids[:5] of three is all three");
        Assert.That(ids[^10..].ToString(), Is.EqualTo("[b'1', b'2', b'3']"), "ids[-10:]");
        Assert.That(ids[2..1].ToString(), Is.EqualTo("[]"), "ids[2:1]");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = ids[-4], "Python's IndexError");
        ids[-1] = "9"u8;
        Assert.That(ids.ToString(), Is.EqualTo("[b'1', b'2', b'9']"));
        Assert.That(data[-1].ToString(), Is.EqualTo("b'1 2 3'"));       // data[-1]
        Assert.That(data[0..].ToString(), Is.EqualTo("[b'1 2 3']"));     // data[0:]
        Assert.That(imaplib.ParseFlags("1 (FLAGS (\\Seen \\Draft))"u8.ToArray())[-1].ToString(), Is.EqualTo("b'\\\\Draft'"));
        M.AssertComplete();
    }

    [Test]
    public void Byte_strings_and_items_slice_as_Python_slices_them()
    {
        PyBytes line = "* 3 EXISTS\r\n"u8;
        Assert.That(line[..100].ToString(), Is.EqualTo("b'* 3 EXISTS\\r\\n'"), "line[:100] of a shorter line");
        Assert.That(line[^2..].ToString(), Is.EqualTo("b'\\r\\n'"));
        Assert.That(line[20..].ToString(), Is.EqualTo("b''"));
        var pair = ImapItem.Pair("1 (RFC822 {5}"u8.ToArray(), "hello"u8.ToArray());
        Assert.That(pair[1][..3].ToString(), Is.EqualTo("b'hel'"), "data[0][1][:3]");
        Assert.That(pair[-1].ToString(), Is.EqualTo("b'hello'"));
        Assert.Throws<InvalidOperationException>(() => _ = pair[..1], "a pair is sliced through its parts");
        var list = ImapItem.List([ImapItem.FromString("a"), null, ImapItem.FromString("c")]);
        Assert.That(list[^2..].ToString(), Is.EqualTo("[None, b'c']"));
        Assert.That(list[-1].ToString(), Is.EqualTo("b'c'"));
    }

    [Test]
    public void The_literal_attribute_is_sent_by_the_next_command_and_then_forgotten()
    {
        // M.literal = 'текст'.encode('utf-8'); M.search('UTF-8', 'TEXT')
        using var M = Session(Select + """
            C: {tag} SEARCH CHARSET UTF-8 TEXT {10}
            S: + go on
            C: текст
            S: * SEARCH 1 2 3
            S: {tag} OK done
            C: {tag} NOOP
            S: {tag} OK done
            """);
        M.select();
        M.literal = "текст"u8;
        int before = M.Sent.Count;
        var (typ, data) = M.search("UTF-8", "TEXT");
        Assert.That((typ, data.ToString()), Is.EqualTo(("OK", "[b'1 2 3']")));
        var sent = M.Sent.Skip(before).Select(b => (PyBytes)b).ToList();
        Assert.That(sent.Select(s => s.ToString()), Is.EqualTo(new[]
        {
            $"b'{M.tagpre.decode()}2 SEARCH CHARSET UTF-8 TEXT {{10}}\\r\\n'",
            "b'\\xd1\\x82\\xd0\\xb5\\xd0\\xba\\xd1\\x81\\xd1\\x82'",
            "b'\\r\\n'",
        }), "the line announces it, the bytes follow the continuation, then CRLF");
        Assert.That(M.literal, Is.Null, "used once");
        M.noop();
        Assert.That(((PyBytes)M.Sent[^1]).endswith(" NOOP\r\n"u8), Is.True, "the next command has no literal");
        M.AssertComplete();
    }

    [Test]
    public void The_literal_attribute_goes_with_any_command_and_APPEND_replaces_it()
    {
        using var M = Session(Select + """
            C: {tag} UID SEARCH CHARSET UTF-8 SUBJECT {1}
            S: + ready
            C: x
            S: {tag} OK done
            C: {tag} APPEND INBOX {17}
            S: + ready
            C: Subject: a
            C:
            C: b
            C:
            S: {tag} OK done
            """);
        M.select();
        M.literal = "x"u8;
        M.uid("SEARCH", "CHARSET", "UTF-8", "SUBJECT");   // the other spelling scripts use
        Assert.That(M.SentText, Does.Contain(" UID SEARCH CHARSET UTF-8 SUBJECT {1}\r\nx\r\n"));
        M.literal = "discarded"u8;
        M.append("INBOX", null, null, "Subject: a\r\n\r\nb\r\n"u8.ToArray());
        Assert.That(M.SentText, Does.Not.Contain("discarded"), "APPEND sends its message, as CPython's does");
        Assert.That(M.literal, Is.Null);
        M.literal = "y"u8;
        Assert.Throws<IMAP4.error>(() => M._simple_command("LOGIN", "u", "p"), "LOGIN is illegal once selected");
        Assert.That(M.literal, Is.Null, "a command that fails its state check forgets the literal too, as CPython's");
        M.AssertComplete();
    }

    [Test]
    public void Socket_of_a_tcp_connection_is_never_null()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1", "* PREAUTH ready");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        // select.select([M.socket()], [], [], 0): nothing to read yet
        var readable = new List<System.Net.Sockets.Socket> { M.socket() };
        System.Net.Sockets.Socket.Select(readable, null, null, 0);
        Assert.That(readable, Is.Empty);
        Assert.That(M.socket().Connected, Is.True);
        M.logout();
        server.Join();
    }
}

/// <summary>The literal attribute against Dovecot: a UTF-8 search term finds the message whose encoded subject holds it.</summary>
[Category("Server")]
public class PythonShapesDovecotTests
{
    [Test]
    public void A_utf8_search_term_sent_through_the_literal_attribute_finds_the_message()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        M.append("INBOX", null, null, "Subject: plain\r\n\r\nnothing here\r\n"u8.ToArray());
        M.append("INBOX", null, null, "Subject: =?utf-8?b?0L3QvtCy0YvQuSDRgtC10LrRgdGC?=\r\n\r\nbody\r\n"u8.ToArray());
        M.select();
        M.literal = "текст"u8;
        var (typ, data) = M.search("UTF-8", "SUBJECT");
        Assert.That((typ, data.ToString()), Is.EqualTo(("OK", "[b'2']")));
        Assert.That(M.literal, Is.Null);
        Assert.That(M.search(null, "ALL").data[0].split()[-1].ToString(), Is.EqualTo("b'2'"));
    }
}

/// <summary>docs/porting.md's select() row: <c>Socket.Select</c> removes the sockets that are not ready from the list
/// it is given, so a port passes a copy and keeps the list of every connection for the next round.</summary>
public class SocketSelectTests
{
    [Test]
    public void Socket_Select_on_a_copy_leaves_the_list_of_connections_whole()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var quiet = new System.Net.Sockets.TcpClient("127.0.0.1", port);
        using var quietPeer = listener.AcceptSocket();
        using var talking = new System.Net.Sockets.TcpClient("127.0.0.1", port);
        using var talkingPeer = listener.AcceptSocket();
        talkingPeer.Send("* 1 EXISTS\r\n"u8);
        var socks = new List<System.Net.Sockets.Socket> { quiet.Client, talking.Client };
        // r, _, _ = select.select(socks, [], [], 5)
        var r = new List<System.Net.Sockets.Socket>(socks);
        System.Net.Sockets.Socket.Select(r, null, null, TimeSpan.FromSeconds(5));
        Assert.That(r, Is.EqualTo(new[] { talking.Client }), "r is Python's r: the ready ones");
        Assert.That(socks, Has.Count.EqualTo(2), "the copy was cut down, not the list of connections");
    }
}
