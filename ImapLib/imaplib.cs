using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ImapLib;

/// <summary>
/// The module-level names of Python's <c>imaplib</c>: ports, the debug level, the command table and the
/// four helper functions. A script's <c>imaplib.Time2Internaldate(t)</c> stays <c>imaplib.Time2Internaldate(t)</c>.
/// </summary>
public static partial class imaplib
{
    /// <summary>The standard IMAP4 port.</summary>
    public const int IMAP4_PORT = 143;

    /// <summary>The standard IMAP4-over-TLS port.</summary>
    public const int IMAP4_SSL_PORT = 993;

    /// <summary>Python's <c>imaplib.__version__</c> of the module this port follows.</summary>
    public const string __version__ = "2.60";

    /// <summary>The debug level new connections start with (0 to 5, as Python's <c>imaplib.Debug</c>).</summary>
    public static int Debug;

    /// <summary>The longest response line accepted, in bytes (Python's <c>_MAXLINE</c>). Settable, as scripts set
    /// the module global (<c>imaplib._MAXLINE = 10_000_000</c>); it applies to every connection from then on.</summary>
    public static int _MAXLINE = 1_000_000;

    /// <summary>The protocol versions accepted from CAPABILITY, most recent first.</summary>
    public static readonly IReadOnlyList<string> AllowedVersions = ["IMAP4REV1", "IMAP4REV2", "IMAP4"];

    /// <summary>
    /// Each command and the connection states it is legal in (Python's <c>imaplib.Commands</c>), derived from the
    /// library's command table. <c>xatom</c> adds unknown commands to it, as Python does.
    /// </summary>
    public static readonly ConcurrentDictionary<string, string[]> Commands =
        new(CommandTable.Rows.Select(row => KeyValuePair.Create(row.Name, row.States)));

    private static readonly string[] Months = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    [GeneratedRegex(@"^.*INTERNALDATE ""(?<day>[ 0123][0-9])-(?<mon>[A-Z][a-z][a-z])-(?<year>[0-9]{4}) (?<hour>[0-9]{2}):(?<min>[0-9]{2}):(?<sec>[0-9]{2}) (?<zonen>[-+])(?<zoneh>[0-9]{2})(?<zonem>[0-9]{2})""", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex InternalDate();

    [GeneratedRegex(@"^.*FLAGS \((?<flags>[^)]*)\)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex FlagsPattern();

    /// <summary>
    /// Parses the INTERNALDATE in a FETCH response into the moment it names, in local time (Python returns a
    /// local <c>time.struct_time</c>). Returns null when the text holds no INTERNALDATE of the right form.
    /// </summary>
    public static DateTimeOffset? Internaldate2tuple(byte[] resp)
    {
        ArgumentNullException.ThrowIfNull(resp);
        var match = InternalDate().Match(Encoding.Latin1.GetString(resp));
        if (!match.Success) return null;
        int month = Array.IndexOf(Months, match.Groups["mon"].Value);
        if (month <= 0) return null;
        int Number(string group) => int.Parse(match.Groups[group].Value.Trim(), CultureInfo.InvariantCulture);
        int zone = (Number("zoneh") * 60 + Number("zonem")) * 60;
        if (match.Groups["zonen"].Value == "-") zone = -zone;
        try
        {
            // Day 0 or 32 and the like roll over, as calendar.timegm does in Python.
            var local = new DateTime(Number("year"), month, 1, 0, 0, 0, DateTimeKind.Utc)
                .AddDays(Number("day") - 1).AddHours(Number("hour")).AddMinutes(Number("min")).AddSeconds(Number("sec"));
            return new DateTimeOffset(local.AddSeconds(-zone), TimeSpan.Zero).ToLocalTime();
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Converts a non-negative integer to the letters A–P, one per hex digit (used for command tags).</summary>
    public static PyBytes Int2AP(long num)
    {
        const string ap = "ABCDEFGHIJKLMNOP";
        var digits = new StringBuilder();
        ulong value = num < 0 ? 0UL - (ulong)num : (ulong)num;   // |long.MinValue| does not fit a long
        while (value != 0)
        {
            digits.Insert(0, ap[(int)(value % 16)]);
            value /= 16;
        }
        return Encoding.ASCII.GetBytes(digits.ToString());
    }

    /// <summary>The flags of a <c>FLAGS (...)</c> response item, as separate byte strings (empty when there is none).</summary>
    public static PyTuple<PyBytes> ParseFlags(byte[] resp)
    {
        ArgumentNullException.ThrowIfNull(resp);
        var match = FlagsPattern().Match(Encoding.Latin1.GetString(resp));
        if (!match.Success) return new([]);
        return new(Encoding.Latin1.GetBytes(match.Groups["flags"].Value).split());
    }

    /// <summary>Python's <c>datetime.fromtimestamp(t, utc).astimezone()</c>: the local time of <paramref name="seconds"/>,
    /// rounded to the microsecond half to even, as Python rounds.</summary>
    private static DateTimeOffset FromTimestamp(decimal seconds)
    {
        decimal whole = decimal.Floor(seconds);
        long micros = (long)decimal.Round((seconds - whole) * 1_000_000m, MidpointRounding.ToEven);
        return DateTimeOffset.FromUnixTimeSeconds((long)whole).AddTicks(micros * 10).ToLocalTime();
    }

    /// <summary>
    /// Formats a date for APPEND as <c>"DD-Mmm-YYYY HH:MM:SS +HHMM"</c>, quotes included. Accepts seconds since
    /// the epoch (any number; shown in local time), a <see cref="DateTimeOffset"/>, a <see cref="DateTime"/> whose
    /// kind is Utc or Local, or a string that is already double-quoted (returned as it is).
    /// </summary>
    /// <exception cref="ArgumentException">A DateTime of unspecified kind (Python: a naive datetime) or another type.</exception>
    public static string Time2Internaldate(object date_time)
    {
        DateTimeOffset moment = date_time switch
        {
            int or long or double or float or decimal or short or uint or ulong =>
                FromTimestamp(Convert.ToDecimal(date_time, CultureInfo.InvariantCulture)),
            DateTimeOffset offset => offset,
            DateTime { Kind: DateTimeKind.Unspecified } => throw new ArgumentException("date_time must be aware", nameof(date_time)),
            DateTime time => new DateTimeOffset(time),
            string text when text.Length > 0 && text[0] == '"' && text[^1] == '"' => default,
            _ => throw new ArgumentException("date_time not of a known type", nameof(date_time)),
        };
        if (date_time is string quoted) return quoted;
        var zone = moment.Offset;
        char sign = zone < TimeSpan.Zero ? '-' : '+';
        zone = zone.Duration();
        return string.Create(CultureInfo.InvariantCulture,
            $"\"{moment.Day:00}-{Months[moment.Month]}-{moment.Year:0000} {moment.Hour:00}:{moment.Minute:00}:{moment.Second:00} {sign}{zone.Hours:00}{zone.Minutes:00}\"");
    }
}
