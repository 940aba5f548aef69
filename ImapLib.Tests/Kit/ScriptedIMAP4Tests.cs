using System.Text;
using ImapLib.Testing;

namespace ImapLib.Tests.Kit;

/// <summary>The kit's replay over the hooks: every conversation the library can have, and the exact messages a user
/// sees when the client leaves the transcript.</summary>
public class ScriptedIMAP4Tests
{
    [Test]
    public void A_session_replays_with_literals_and_results_in_Python_shapes()
    {
        using var M = new ScriptedIMAP4("""
            S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
            C: {tag} LOGIN joe {secret}
            S: {tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in
            C: {tag} SELECT INBOX
            S: * 2 EXISTS
            S: {tag} OK [READ-WRITE] done
            C: {tag} FETCH 1 (RFC822)
            S: * 1 FETCH (RFC822 {12}
            S: Hello
            S: world)
            S: {tag} OK done
            """);
        M.login("joe", "any password");
        Assert.That(M.select().ToString(), Is.EqualTo("('OK', [b'2'])"));
        Assert.That(M.fetch("1", "(RFC822)").ToString(), Is.EqualTo(@"('OK', [(b'1 (RFC822 {12}', b'Hello\r\nworld'), b')'])"));
        M.AssertComplete();
    }

    [Test]
    public void A_synchronising_literal_refused_before_its_continuation_is_never_sent_and_the_next_command_is_a_command()
    {
        // Found migrating EngineTests: the client's next line was framed as the refused literal's bytes.
        var transcript = Transcript.Parse("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} APPEND Nope {11}
            S: {tag} NO [TRYCREATE] No such mailbox
            C: {tag} NOOP
            S: {tag} OK done
            """);
        Assert.That(transcript.Steps.Where(s => s.Kind == TranscriptStepKind.Client).Select(s => s.Text),
            Is.EqualTo(new[] { "C: {tag} CAPABILITY", "C: {tag} APPEND Nope {11}", "C: {tag} NOOP" }));
        using var M = new ScriptedIMAP4(transcript);
        Assert.That(M.append("Nope", null, null, "SECRET-BODY"u8.ToArray()).typ, Is.EqualTo("NO"));
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        M.AssertComplete();
    }

    [Test]
    public void A_different_line_raises_at_once_naming_the_line_the_expected_and_the_actual()
    {
        using var M = new ScriptedIMAP4(Transcript.Parse("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            # the code under test is meant to open INBOX
            C: {tag} SELECT INBOX
            S: {tag} OK done
            """, "archive.imap"));
        var e = Assert.Throws<TranscriptMismatchException>(() => M.select("Archive"))!;
        Assert.That(e.Message, Is.EqualTo($"archive.imap, line 6: the client sent a different line\n  expected: C: {{tag}} SELECT INBOX\n  actual:   C: {M.tagpre.decode()}1 SELECT Archive"));
        Assert.That((e.LineNumber, e.Expected, e.TranscriptSource), Is.EqualTo((6, "C: {tag} SELECT INBOX", "archive.imap")));
        // Kept: AssertComplete raises it again even if the code under test swallowed it.
        Assert.That(Assert.Throws<TranscriptMismatchException>(M.AssertComplete)!.Message, Is.EqualTo(e.Message));
    }

    [Test]
    public void A_truncated_transcript_says_the_client_waits_after_its_end()
    {
        using var M = new ScriptedIMAP4("""
            S: * OK [CAPABILITY IMAP4rev1] ready
            C: {tag} NOOP
            """);
        var e = Assert.Throws<TranscriptMismatchException>(() => M.noop())!;
        Assert.That(e.Message, Is.EqualTo("transcript, line 2: the client waits for a line from the server after the end of the transcript"));
    }

    [Test]
    public void Steps_never_reached_fail_AssertComplete()
    {
        var M = new ScriptedIMAP4("""
            S: * OK [CAPABILITY IMAP4rev1] ready
            C: {tag} NOOP
            S: {tag} OK done
            C: {tag} LOGOUT
            S: * BYE
            S: {tag} OK bye
            """);
        M.noop();
        var e = Assert.Throws<TranscriptMismatchException>(M.AssertComplete)!;
        Assert.That(e.Message, Is.EqualTo("transcript, line 4: the session ended before this step of the transcript (3 left)\n  expected: C: {tag} LOGOUT"));
        M.Dispose();   // the transcript still expects LOGOUT: disposing sends it
        M.AssertComplete();
    }

    [Test]
    public void A_malformed_transcript_names_the_line()
    {
        var e = Assert.Throws<TranscriptFormatException>(() => Transcript.Parse("S: * OK ready\nX: what\n", "bad.imap"))!;
        Assert.That(e.Message, Is.EqualTo("bad.imap, line 2: a line must start with 'S:', 'C:', 'S!', 'C!', '@', or '#': X: what"));
        e = Assert.Throws<TranscriptFormatException>(() => Transcript.Parse("S: * OK ready\nC: {tag} FETCH 1 BODY[]\nS: * 1 FETCH (BODY[] {100}\nS: short)\nS: {tag} OK\n"))!;
        Assert.That(e.Message, Is.EqualTo("transcript, line 3: the server's literal announced here is 82 bytes short at the end of the transcript (line 5); end with @close for a server that cuts it"));
        e = Assert.Throws<TranscriptFormatException>(() => Transcript.Parse("S! bad \\q escape\n"))!;
        Assert.That(e.Problem, Is.EqualTo("unknown escape '\\q' (known: \\\\ \\r \\n \\t \\xHH)"));
        e = Assert.Throws<TranscriptFormatException>(() => Transcript.Parse("@close\nS: * BYE\n"))!;
        Assert.That(e.Message, Is.EqualTo("transcript, line 2: nothing can follow @close"));
    }

    [Test]
    public void A_server_that_cuts_the_connection_gives_the_client_abort()
    {
        using var M = new ScriptedIMAP4("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} SELECT INBOX
            S: {tag} OK [READ-WRITE] done
            C: {tag} FETCH 1 (RFC822)
            S: * 1 FETCH (RFC822 {100}
            S! only part of it
            @close
            """);
        M.select();
        var e = Assert.Throws<IMAP4.abort>(() => M.fetch("1", "(RFC822)"))!;
        Assert.That(e.Message, Does.Contain("EOF"));
        M.AssertComplete();
    }

    [Test]
    public void Synchronising_and_LITERAL_plus_appends_both_replay()
    {
        using var M = new ScriptedIMAP4("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 LITERAL+
            S: {tag} OK done
            C: {tag} APPEND INBOX {7+}
            C: Hi
            C: you
            S: {tag} OK appended
            C: {tag} APPEND INBOX {2}
            S: + go on
            C: ok
            S: {tag} OK appended
            """);
        Assert.That(M.append("INBOX", null, null, "Hi\r\nyou"u8.ToArray()).typ, Is.EqualTo("OK"));
        M.UseLiteralPlus = false;
        Assert.That(M.append("INBOX", null, null, "ok"u8.ToArray()).typ, Is.EqualTo("OK"));
        M.AssertComplete();
    }

    [Test]
    public void AUTHENTICATE_continuations_replay_with_secrets()
    {
        using var M = new ScriptedIMAP4("""
            S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=CRAM-MD5] ready
            C: {tag} AUTHENTICATE CRAM-MD5
            S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+
            C: {secret}
            S: {tag} OK [CAPABILITY IMAP4rev1 IDLE] authenticated
            """);
        Assert.That(M.login_cram_md5("tim", "tanstaaftanstaaf").typ, Is.EqualTo("OK"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        M.AssertComplete();
    }

    [Test]
    public void IDLE_with_a_duration_replays_pushed_responses_then_times_out_where_the_client_speaks()
    {
        using var M = new ScriptedIMAP4("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 IDLE
            S: {tag} OK done
            C: {tag} IDLE
            S: + idling
            S: * 3 EXISTS
            S: * 1 RECENT
            C: DONE
            S: {tag} OK idle done
            """);
        var seen = new List<string>();
        using (var idler = M.idle(duration: 600))
        {
            foreach (var response in idler) seen.Add(response.ToString());
        }
        Assert.That(seen, Is.EqualTo(new[] { "('EXISTS', [b'3'])", "('RECENT', [b'1'])" }));
        M.AssertComplete();
    }

    [Test]
    public void STARTTLS_and_COMPRESS_replay_at_their_directives()
    {
        using var M = new ScriptedIMAP4("""
            S: * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
            C: {tag} STARTTLS
            S: {tag} OK begin TLS
            @starttls
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 COMPRESS=DEFLATE
            S: {tag} OK done
            C: {tag} LOGIN joe {secret}
            S: {tag} OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] logged in
            C: {tag} COMPRESS DEFLATE
            S: {tag} OK deflating
            @compress
            C: {tag} NOOP
            S: {tag} OK done
            """);
        M.starttls();
        Assert.That(M.capabilities, Does.Contain("COMPRESS=DEFLATE"));
        M.login("joe", "pw");
        M.compress();
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        M.AssertComplete();
    }

    [Test]
    public void A_client_that_skips_the_handshake_is_told_so()
    {
        using var M = new ScriptedIMAP4("""
            S: * OK [CAPABILITY IMAP4rev1] ready
            C: {tag} NOOP
            S: {tag} OK done
            @starttls
            """);
        M.noop();
        var e = Assert.Throws<TranscriptMismatchException>(() => M.noop())!;
        Assert.That(e.Message, Is.EqualTo("transcript, line 4: the client sent a line where the transcript has no client line\n  expected: @starttls\n  actual:   C: " + M.tagpre.decode() + "1 NOOP"));
    }

    [Test]
    public void Several_connections_in_one_test_each_follow_their_own_transcript()
    {
        var first = new ScriptedIMAP4("S: * OK [CAPABILITY IMAP4rev1] one\nC: {tag} NOOP\nS: {tag} OK one\n");
        var second = new ScriptedIMAP4("S: * OK [CAPABILITY IMAP4rev1] two\nC: {tag} NOOP\nS: {tag} OK two\n");
        Assert.That(second.noop().data[0]!.ToString(), Is.EqualTo("b'two'"));
        Assert.That(first.noop().data[0]!.ToString(), Is.EqualTo("b'one'"));
        first.AssertComplete();
        second.AssertComplete();
        first.Dispose();
        second.Dispose();
    }

    [Test]
    public void Escaped_lines_carry_bare_line_feeds_and_bytes_that_are_not_UTF8()
    {
        using var M = new ScriptedIMAP4("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} SELECT INBOX
            S: {tag} OK [READ-WRITE] done
            C: {tag} FETCH 1 (BODY[])
            S: * 1 FETCH (BODY[] {5}
            S! a\nb\xff\xfe)\r\n
            S: {tag} OK done
            """);
        M.select();
        var (_, data) = M.fetch("1", "BODY[]");
        Assert.That(data[0]!.Body, Is.EqualTo(new byte[] { (byte)'a', (byte)'\n', (byte)'b', 0xff, 0xfe }));
        M.AssertComplete();
    }

    [Test]
    public void Parse_of_ToString_gives_the_same_transcript()
    {
        const string text = "# a comment\n\nS: * OK ready\nC: {tag} LOGIN u {secret}\nS! {tag} OK \\x7btag} \\xff\\r\\n\n@close\n";
        var transcript = Transcript.Parse("    " + text.Replace("\n", "\n    ", StringComparison.Ordinal));
        Assert.That(transcript.ToString(), Is.EqualTo(text));
        var again = Transcript.Parse(transcript.ToString());
        Assert.That(again.ToString(), Is.EqualTo(transcript.ToString()));
        Assert.That(again.Steps.Select(s => (s.Kind, s.LineNumber, s.Text)), Is.EqualTo(transcript.Steps.Select(s => (s.Kind, s.LineNumber, s.Text))));
    }

    [Test]
    public void A_client_line_can_hold_a_literal_whose_text_looks_like_a_placeholder()
    {
        using var M = new ScriptedIMAP4("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 LITERAL+
            S: {tag} OK done
            C: {tag} APPEND INBOX {5+}
            C: {tag}
            S: {tag} OK appended
            """);
        Assert.That(M.append("INBOX", null, null, Encoding.ASCII.GetBytes("{tag}")).typ, Is.EqualTo("OK"));
        M.AssertComplete();
    }
}
