using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ImapLib.Testing;

namespace ImapLib.Bench;

/// <summary>
/// The test kit's replay against the live session it was recorded from (issue 21): one session — login, SELECT, one
/// FETCH of 10,000 messages (RFC822), LOGOUT — run live against Dovecot with plain <see cref="IMAP4"/>, recorded once
/// with <see cref="RecordingIMAP4"/>, then replayed with <see cref="ScriptedIMAP4"/> (no server, no socket). Each is
/// timed over the same number of repetitions in this one process, after one untimed warm-up; the figures are medians
/// and the ratio is replay ÷ live. Usage: <c>ImapLib.Bench kit-replay [--reps N] [--out FILE] + connection args</c>.
/// </summary>
internal static class KitReplay
{
    private const int Messages = 10_000;

    public static int Run(Args a)
    {
        var conn = a.Conn();
        int reps = a.GetInt("reps", 7);
        long Session(IMAP4 M)
        {
            M.login(conn.User, conn.Password);
            M.select(Seeder.Box20K, @readonly: true);
            var (typ, data) = M.fetch($"1:{Messages}", "(RFC822)");
            if (typ != "OK") throw new InvalidOperationException($"FETCH answered {typ}");
            long bytes = data.Where(item => item is { IsPair: true }).Sum(item => (long)item!.Body.Length);
            M.logout();
            return bytes;
        }

        var recorder = new RecordingIMAP4(conn.Host, conn.Port, 60);
        var watch = Stopwatch.StartNew();
        long recordedBytes = Session(recorder);
        double recordSeconds = watch.Elapsed.TotalSeconds;
        var transcript = Transcript.Parse(recorder.transcript.ToString());   // as a file would give it back

        double[] Time(Func<IMAP4> connect, out long bytes)
        {
            bytes = Session(connect());   // warm-up, untimed
            var times = new double[reps];
            for (int i = 0; i < reps; i++)
            {
                var started = Stopwatch.StartNew();
                long got = Session(connect());
                times[i] = started.Elapsed.TotalSeconds;
                if (got != bytes) throw new InvalidOperationException("a repetition saw different bytes");
            }
            return times;
        }
        var live = Time(() => new IMAP4(conn.Host, conn.Port, 60), out long liveBytes);
        var replay = Time(() => new ScriptedIMAP4(transcript), out long replayBytes);
        if (liveBytes != replayBytes || liveBytes != recordedBytes)
            throw new InvalidOperationException($"bytes differ: live {liveBytes}, recorded {recordedBytes}, replayed {replayBytes}");

        double Median(double[] values) => values.Order().ElementAt(values.Length / 2);
        double liveMedian = Median(live), replayMedian = Median(replay);
        string F(double seconds) => (seconds * 1000).ToString("0.0", CultureInfo.InvariantCulture) + " ms";
        Console.WriteLine($"## Test kit: replay of a recorded {Messages:N0}-message FETCH session against the live session");
        Console.WriteLine();
        Console.WriteLine($"{liveBytes:N0} bytes of message literals; {reps} timed repetitions each after one warm-up; medians.");
        Console.WriteLine();
        Console.WriteLine("| session | wall (median) | min | max | ÷ live |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        Console.WriteLine($"| live, IMAP4 against Dovecot on loopback | {F(liveMedian)} | {F(live.Min())} | {F(live.Max())} | 1.00 |");
        Console.WriteLine($"| replayed, ScriptedIMAP4 (no server) | {F(replayMedian)} | {F(replay.Min())} | {F(replay.Max())} | {(replayMedian / liveMedian).ToString("0.00", CultureInfo.InvariantCulture)} |");
        Console.WriteLine($"| recording it once, RecordingIMAP4 | {F(recordSeconds)} | | | {(recordSeconds / liveMedian).ToString("0.00", CultureInfo.InvariantCulture)} |");
        if (a.Has("out"))
        {
            File.WriteAllText(a.Get("out"), JsonSerializer.Serialize(new
            {
                messages = Messages, bytes = liveBytes, reps, live_seconds = live, replay_seconds = replay,
                record_seconds = recordSeconds, replay_over_live = replayMedian / liveMedian,
            }, new JsonSerializerOptions { WriteIndented = true }));
        }
        return replayMedian < liveMedian ? 0 : 1;
    }
}
