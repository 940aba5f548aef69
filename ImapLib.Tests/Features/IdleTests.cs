using System.Diagnostics;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>IDLE (RFC 2177) as Python 3.14 has it: the Idler context, iteration, bursts, DONE on leaving.</summary>
public class IdleTests
{
    private static readonly byte[] Message = "From: a@example.org\r\nSubject: pushed\r\n\r\nhello\r\n"u8.ToArray();

    [Category("Server")]
    [Test]
    public void Idling_connection_sees_a_message_appended_by_another_connection()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        M.select("INBOX");
        using var other = account.Connect();

        var received = new List<(string typ, List<ImapItem?> data)>();
        using (var idler = M.idle(duration: 10).__enter__())
        {
            Assert.That(M.state, Is.EqualTo("IDLING"));
            Assert.Throws<IMAP4.error>(() => M.noop(), "commands are illegal while idling");
            // IDLE is already running (the idler waited for "+"): the other session appends at once.
            var appender = Task.Run(() => other.append("INBOX", null, null, Message));
            foreach (var response in idler)
            {
                received.Add(response);
                if (response.typ == "EXISTS") break;
            }
            appender.Wait();
        }
        Assert.That(M.state, Is.EqualTo("SELECTED"));
        Assert.That(received.Select(r => r.typ), Does.Contain("EXISTS"));
        Assert.That(received.First(r => r.typ == "EXISTS").data[0]!.decode(), Is.EqualTo("1"));
        // The connection is usable again after DONE.
        Assert.That(M.fetch("1", "(BODY.PEEK[])").data[0]![1]!.Bytes, Is.EqualTo(Message));
    }

    [Category("Server")]
    [Test]
    public void Duration_ends_iteration_and_unread_responses_are_filed_as_untagged()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        M.select("INBOX");
        using var other = account.Connect();
        var clock = Stopwatch.StartNew();
        using (var idler = M.idle(duration: 1.0).__enter__())
        {
            other.append("INBOX", null, null, Message);
            // Wait for the event that matters, Dovecot's push reaching the socket, without reading it.
            Assert.That(M.socket().Poll(TimeSpan.FromSeconds(10), System.Net.Sockets.SelectMode.SelectRead), Is.True);
            // Leave without reading: what arrived (and what follows until DONE's reply) goes to untagged_responses.
        }
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(6)));
        Assert.That(M.response("EXISTS").data[^1]!.decode(), Is.EqualTo("1"));

        clock.Restart();
        int count;
        using (var idler = M.idle(duration: 0.5).__enter__())
            count = idler.Count(r => !(r.typ == "OK" && r.data[0]!.decode() == "Still here"));   // Dovecot's clock-aligned keep-alive may fall inside
        Assert.That(count, Is.Zero);
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.45)).And.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Category("Server")]
    [Test]
    public void Burst_collects_responses_that_arrive_together()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        M.select("INBOX");
        using var other = account.Connect();
        using var idler = M.idle(duration: 10).__enter__();
        for (int i = 0; i < 3; i++) other.append("INBOX", null, null, Message);
        // Wait until Dovecot's push reaches the socket, then take the burst (gaps of up to a second belong to it).
        Assert.That(M.socket().Poll(TimeSpan.FromSeconds(10), System.Net.Sockets.SelectMode.SelectRead), Is.True);
        var batch = idler.burst(interval: 1.0).ToList();
        Assert.That(batch, Is.Not.Empty);
        Assert.That(batch.Where(r => r.typ == "EXISTS").Select(r => r.data[0]!.decode()).Last(), Is.EqualTo("3"));
    }

    [Test]
    public void Server_without_IDLE_is_refused_before_anything_is_sent()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        var e = Assert.Throws<IMAP4.error>(() => M.idle());
        Assert.That(e!.Message, Is.EqualTo("Server does not support IMAP4 IDLE"));
        M.logout();
        server.Join();
        Assert.That(server.ReceivedText, Does.Not.Contain("IDLE"));
    }

    [Test]
    public void An_idler_made_first_sends_IDLE_only_when_entered_later()
    {
        // Python: idler = M.idle(); M.noop(); with idler: ...   (IDLE starts at the with)
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 IDLE", "* PREAUTH ready");
            var noop = s.Expect("NOOP");
            s.Line(noop.Tag + " OK done");
            var idle = s.Expect("IDLE");
            s.Line("+ idling");
            s.Line("* 4 EXISTS");
            if (s.ReadLine() != "DONE") throw new InvalidOperationException("expected DONE");
            s.Line(idle.Tag + " OK IDLE terminated");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        var idler = M.idle(duration: 5);
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(M.noop().typ, Is.EqualTo("OK"));   // legal: IDLE has not started
        using (idler.__enter__())
        {
            Assert.That(M.state, Is.EqualTo("IDLING"));
            Assert.That(idler.burst().Select(r => r.ToString()), Is.EqualTo(new[] { "('EXISTS', [b'4'])" }));
        }
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(() => idler.__enter__(), Throws.TypeOf<IMAP4.error>());   // Python asserts: one with per idler
        M.logout();
        server.Join();
    }

    [Test]
    public void The_first_read_enters_an_idler_and_one_never_entered_sends_nothing()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 IDLE", "* PREAUTH ready");
            var idle = s.Expect("IDLE");
            s.Line("+ idling");
            s.Line("* 1 RECENT");
            if (s.ReadLine() != "DONE") throw new InvalidOperationException("expected DONE");
            s.Line(idle.Tag + " OK IDLE terminated");
            var noop = s.Expect("NOOP");
            s.Line(noop.Tag + " OK done");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        using (M.idle(duration: 5))
        {
            // Never read and never entered: no IDLE (Python would send IDLE and DONE and see nothing either).
        }
        using (var idler = M.idle(duration: 5))
        {
            foreach (var (typ, data) in idler)
            {
                Assert.That($"{typ} {data}", Is.EqualTo("RECENT [b'1']"));
                break;
            }
        }
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        M.logout();
        server.Join();
        Assert.That(System.Text.RegularExpressions.Regex.Matches(server.ReceivedText, " IDLE\r\n"), Has.Count.EqualTo(1));
    }

    [Test]
    public void IDLE_refused_with_NO_raises_and_leaves_the_state_alone()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 IDLE", "* PREAUTH ready");
            var idle = s.Expect("IDLE");
            s.Line(idle.Tag + " NO not now");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        var e = Assert.Throws<IMAP4.error>(() => M.idle().__enter__());
        Assert.That(e!.Message, Is.EqualTo("idle denied: [b'not now']"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        M.logout();
        server.Join();
    }

    [Test]
    public void A_line_split_across_delayed_packets_arrives_whole_and_DONE_is_sent()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 IDLE", "* PREAUTH ready");
            var idle = s.Expect("IDLE");
            s.Line("* 7 EXPUNGE");            // before the continuation: must be yielded first
            s.Line("+ idling");
            s.Send("* 4 EXI");
            Thread.Sleep(400);                // pacing the packets (the scenario itself): longer than the burst interval below
            s.Send("STS\r\n* 1 FETCH (BODY[] {5}\r\n");
            Thread.Sleep(200);
            s.Send("hello)\r\n");
            Assert.That(s.ReadLine(), Is.EqualTo("DONE"));
            s.Line(idle.Tag + " OK IDLE done");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        var seen = new List<(string typ, List<ImapItem?> data)>();
        using (var idler = M.idle(duration: 5).__enter__())
        {
            foreach (var response in idler)
            {
                seen.Add(response);
                if (response.typ == "FETCH") break;
            }
        }
        Assert.That(seen.Select(r => r.typ), Is.EqualTo(new[] { "EXPUNGE", "EXISTS", "FETCH" }));
        Assert.That(seen[1].data[0]!.decode(), Is.EqualTo("4"));
        Assert.That(seen[2].data[0] is (byte[] header, byte[] body) && header.decode() == "1 (BODY[] {5}" && body.decode() == "hello");
        Assert.That(seen[2].data[1]!.decode(), Is.EqualTo(")"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        M.logout();
        server.Join();
    }

    [Test]
    public void Duration_is_a_deadline_even_when_half_a_line_arrives_and_the_server_stalls()   // issue 13
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 IDLE", "* PREAUTH ready");
            var idle = s.Expect("IDLE");
            s.Line("+ idling");
            s.Send("* 4 EXI");                 // half a response, then nothing until the client ends IDLE
            Assert.That(s.ReadLine(), Is.EqualTo("DONE"));
            s.Send("STS\r\n");
            s.Line(idle.Tag + " OK IDLE done");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        var clock = Stopwatch.StartNew();
        int count;
        using (var idler = M.idle(duration: 0.5).__enter__())
        {
            count = idler.Count();
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1.0)), "iteration ends at the deadline");
        }
        Assert.That(count, Is.Zero);
        // Nothing is lost: the half line, completed after DONE, is filed as an untagged response.
        Assert.That(M.response("EXISTS"), Is.EqualTo(new ImapResult("EXISTS", [ImapItem.FromBytes("4"u8.ToArray())])));
        M.logout();
        server.Join();
    }

    [Test]
    public void Duration_is_a_deadline_when_responses_arrive_in_delayed_packets()   // issue 13, test_idle_delayed_packet
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 IDLE", "* PREAUTH ready");
            var idle = s.Expect("IDLE");
            s.Line("+ idling");
            s.Send("* 4 EXI");
            Thread.Sleep(300);                // pacing the packets is the scenario itself
            s.Send("STS\r\n* 5 EXI");
            Thread.Sleep(300);
            s.Send("STS\r\n* 6 EXI");
            Thread.Sleep(300);
            s.Send("STS\r\n");
            Assert.That(s.ReadLine(), Is.EqualTo("DONE"));
            s.Line(idle.Tag + " OK IDLE done");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        var clock = Stopwatch.StartNew();
        var seen = new List<ImapResult>();
        using (var idler = M.idle(duration: 0.5).__enter__())
        {
            seen.AddRange(idler);
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(0.85)), "the third packet is not waited for");
        }
        Assert.That(seen, Is.EqualTo(new[] { new ImapResult("EXISTS", [ImapItem.FromBytes("4"u8.ToArray())]) }));
        // The responses still in flight at the deadline are filed, whole, once IDLE has ended.
        Assert.That(M.response("EXISTS").data.Select(d => d!.decode()), Is.EqualTo(new[] { "5", "6" }));
        M.logout();
        server.Join();
    }

    [Test]
    public void After_a_timed_IDLE_a_read_left_pending_is_bounded_by_the_socket_timeout()   // issue 13
    {
        var release = new ManualResetEventSlim();
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 IDLE", "* PREAUTH ready");
            s.Expect("IDLE");
            s.Line("+ idling");
            Assert.That(s.ReadLine(), Is.EqualTo("DONE"));
            // No reply to DONE, and none to the next command: the server has hung.
            Assert.That(s.ReadCommand().Name, Is.EqualTo("NOOP"));
            release.Wait(TimeSpan.FromSeconds(30));
        });
        using var M = new IMAP4("127.0.0.1", server.Port, timeout: 0.5);
        var clock = Stopwatch.StartNew();
        using (var idler = M.idle(duration: 0.2).__enter__())
            Assert.That(idler.Count(), Is.Zero);
        // Ending IDLE waits for DONE's reply no longer than the timeout (a broken end is reported by the next command).
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        clock.Restart();
        var e = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(e!.Message, Is.EqualTo("command: NOOP => socket error: timed out"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        release.Set();
        M.shutdown();
        server.Join();
    }
}
