using System.Globalization;
using System.Net.Sockets;

namespace ImapLib.Tests.CPython;

/// <summary>CPython's <c>TestImaplib</c>: the module-level helpers and the default host.</summary>
[TestFixture]
[NonParallelizable]   // run_with_tz and run_with_locale change the process's time zone and culture for a test
public partial class TestImaplib
{
    /// <summary>Python's <c>@run_with_tz</c>: the process's local time zone is <paramref name="zone"/> while
    /// <paramref name="test"/> runs (.NET reads TZ when its time-zone cache is cleared).</summary>
    private static void run_with_tz(string zone, Action test)
    {
        string? saved = Environment.GetEnvironmentVariable("TZ");
        Environment.SetEnvironmentVariable("TZ", zone);
        TimeZoneInfo.ClearCachedData();
        try
        {
            Assert.That(TimeZoneInfo.Local.Id, Is.EqualTo(zone), "the time zone took effect");
            test();
        }
        finally
        {
            Environment.SetEnvironmentVariable("TZ", saved);
            TimeZoneInfo.ClearCachedData();
        }
    }

    /// <summary>Python's <c>@run_with_locale('LC_ALL', ...)</c>: the first of the cultures the runtime has.</summary>
    private static void run_with_locale(Action test, params string[] cultures)
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(cultures[0]);
        try { test(); }
        finally { CultureInfo.CurrentCulture = saved; }
    }

    [Test]
    public void test_Internaldate2tuple()
    {
        long t0 = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();   // calendar.timegm
        var tt = imaplib.Internaldate2tuple("25 (INTERNALDATE \"01-Jan-2000 00:00:00 +0000\")"u8.ToArray());
        Assert.That(tt!.Value.ToUnixTimeSeconds(), Is.EqualTo(t0));   // time.mktime(tt)
        tt = imaplib.Internaldate2tuple("25 (INTERNALDATE \"01-Jan-2000 11:30:00 +1130\")"u8.ToArray());
        Assert.That(tt!.Value.ToUnixTimeSeconds(), Is.EqualTo(t0));
        tt = imaplib.Internaldate2tuple("25 (INTERNALDATE \"31-Dec-1999 12:30:00 -1130\")"u8.ToArray());
        Assert.That(tt!.Value.ToUnixTimeSeconds(), Is.EqualTo(t0));
    }

    [Test]
    public void test_Internaldate2tuple_issue10941()
    {
        // Python: @run_with_tz('MST+07MDT,M4.1.0,M10.5.0'); the IANA zone with those rules in 2000 is America/Denver.
        run_with_tz("America/Denver", () =>
            Assert.That(imaplib.Internaldate2tuple("25 (INTERNALDATE \"02-Apr-2000 02:30:00 +0000\")"u8.ToArray()),
                Is.Not.EqualTo(imaplib.Internaldate2tuple("25 (INTERNALDATE \"02-Apr-2000 03:30:00 +0000\")"u8.ToArray()))));
    }

    /// <summary>
    /// Python's <c>timevalues()</c>, in C#: seconds as an int and a float; <c>time.localtime(...)</c> and the two
    /// local time tuples (isdst -1 and 1) as a local <see cref="DateTime"/> (C# has no struct_time; a tuple's DST
    /// flag has no counterpart); an aware datetime as a <see cref="DateTimeOffset"/>; and a quoted string.
    /// </summary>
    private static object[] timevalues() =>
    [
        2000000000, 2000000000.0, DateTimeOffset.FromUnixTimeSeconds(2000000000).LocalDateTime,
        new DateTime(2033, 5, 18, 5, 33, 20, DateTimeKind.Local),
        new DateTime(2033, 5, 18, 5, 33, 20, DateTimeKind.Local),
        DateTimeOffset.FromUnixTimeSeconds(2000000000).ToOffset(TimeSpan.FromHours(2)),
        "\"18-May-2033 05:33:20 +0200\"",
    ];

    [Test]
    public void test_Time2Internaldate()
    {
        const string expected = "\"18-May-2033 05:33:20 +0200\"";
        // Python: @run_with_locale('LC_ALL', 'de_DE', 'fr_FR') and @run_with_tz('STD-1DST,M3.2.0,M11.1.0'), a zone at
        // +01:00 with summer time at +02:00 in May: Europe/Berlin.
        run_with_locale(() => run_with_tz("Europe/Berlin", () =>
        {
            foreach (var t in timevalues())
            {
                string @internal = imaplib.Time2Internaldate(t);
                Assert.That(@internal, Is.EqualTo(expected), $"{t} ({t.GetType().Name})");
            }
        }), "de-DE", "fr-FR");
    }

    [Test]
    public void test_that_Time2Internaldate_returns_a_result()
    {
        // Without a fixed time zone only the absence of errors can be checked.
        foreach (var t in timevalues())
            Assert.That(imaplib.Time2Internaldate(t), Does.StartWith("\"").And.EndWith("\""));
    }

    [Test]
    public void test_imap4_host_default_value()
    {
        // Is something listening on the local IMAP port? CPython skips the test then; here it checks the other
        // side of the same fact, so the test always proves that IMAP4() means the local host on port 143.
        bool listening;
        using (var s = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                s.Connect("localhost", imaplib.IMAP4_PORT);
                listening = true;
            }
            catch (SocketException)
            {
                listening = false;
            }
        }
        if (!listening)
        {
            // Python: OSError with a "connection refused" errno. .NET: SocketException, ConnectionRefused.
            var e = Assert.Throws<SocketException>(() => new IMAP4());
            Assert.That(e!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
            return;
        }
        // A local server answers: the default connection reaches it, whether or not it speaks IMAP.
        try
        {
            using var M = new IMAP4();
            var remote = (System.Net.IPEndPoint)M.socket().RemoteEndPoint!;
            Assert.That(System.Net.IPAddress.IsLoopback(remote.Address) && remote.Port == imaplib.IMAP4_PORT);
        }
        catch (Exception e) when (e is IMAP4.error or IMAP4.abort)
        {
            // Connected to localhost:143, and the greeting was not IMAP: the defaults were used all the same.
        }
    }
}
