using System.Globalization;

namespace ImapLib;

// The protocol log: Python's debug output (_mesg at debug levels 1 to 5 on standard error) and the ring of the
// last ten interactions that print_log() shows. Secrets never reach it: the command writer hands it the
// redacted line (see CommandWriter.Redacted).
public partial class IMAP4
{
    private const int CommandLogLength = 10;
    private readonly (LogEntry entry, long ticks)?[] _cmd_log = new (LogEntry, long)?[CommandLogLength];
    private int _cmd_log_idx;
    // Log times are taken as cheap monotonic ticks (every line is logged) and turned into wall-clock time
    // only when printed, from this pair taken at construction.
    private readonly double _logEpochSeconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
    private readonly long _logEpochTicks = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Writes one debug line to standard error with the time, as Python's <c>_mesg</c>.</summary>
    public void _mesg(string s, double? secs = null)
    {
        double now = secs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var local = DateTimeOffset.FromUnixTimeMilliseconds((long)(now * 1000)).ToLocalTime();
        int hundredths = (int)(now * 100 % 100);
        Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"  {local:mm\\:ss}.{hundredths:00} {s}\n"));
        Console.Error.Flush();
    }

    /// <summary>Prints the last ten interactions with the server to standard error (secrets redacted).</summary>
    public void print_log()
    {
        int count = _cmd_log.Count(entry => entry is not null);
        _mesg($"last {count} IMAP4 interactions:");
        for (int n = 0, i = _cmd_log_idx; n < CommandLogLength; n++, i = (i + 1) % CommandLogLength)
        {
            if (_cmd_log[i] is { } logged)
                _mesg(logged.entry.ToString(), _logEpochSeconds + (double)(logged.ticks - _logEpochTicks) / System.Diagnostics.Stopwatch.Frequency);
        }
    }

    /// <summary>Keeps one interaction for <see cref="print_log"/>; it is formatted only if printed, so the log
    /// costs nothing on the hot path.</summary>
    private void _log(LogEntry entry)
    {
        _cmd_log[_cmd_log_idx] = (entry, System.Diagnostics.Stopwatch.GetTimestamp());
        _cmd_log_idx = (_cmd_log_idx + 1) % CommandLogLength;
    }

    /// <summary>A line sent or received: shown at debug level 4 and above, otherwise kept in the interaction log.</summary>
    private void Trace(LogEntry entry)
    {
        if (debug >= 4) _mesg(entry.ToString());
        else _log(entry);
    }

    /// <summary>A logged line: <paramref name="Bytes"/> up to <paramref name="Length"/> (-1: all of them).</summary>
    private readonly record struct LogEntry(string Prefix, byte[] Bytes, int Length)
    {
        public override string ToString() => Prefix + PyRepr.Of(Length < 0 ? Bytes : Bytes.AsSpan(0, Length));
    }

    /// <summary>Writes <paramref name="responses"/> (untagged responses by name) to the debug output, as Python's
    /// <c>_dump_ur</c> does at debug level 3 and above; nothing when there are none.</summary>
    public void _dump_ur(Dictionary<string, List<ImapItem?>> responses)
    {
        if (responses.Count == 0) return;
        _mesg("untagged responses dump:" + string.Join("\n\t\t", responses.Select(pair => $"{pair.Key}: {PyRepr.Of(pair.Value)}")));
    }
}
