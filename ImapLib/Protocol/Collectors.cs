using System.Text;

namespace ImapLib;

/// <summary>
/// How one command's result is made from what the server sent, once its tagged reply is in: a command-table row names
/// its collector. Most take Python's <c>_untagged_response</c> of one name; SEARCH also reads the ESEARCH form that an
/// IMAP4rev2 server (or an RFC 4731 one) sends instead, so every command whose result is SEARCH data gets it the same way.
/// </summary>
internal abstract class Collector
{
    /// <summary>The result of the command tagged <paramref name="tag"/>, whose tagged reply was <paramref name="tagged"/>.</summary>
    public abstract ImapResult Collect(IMAP4 imap, ImapResult tagged, PyBytes tag);

    /// <summary>The untagged responses named <paramref name="name"/> (<c>[None]</c> when none came), as CPython.</summary>
    public static Collector Untagged(string name) => new UntaggedCollector(name);

    /// <summary>SEARCH data, or this command's ESEARCH answer turned into it.</summary>
    public static readonly Collector Search = new SearchCollector();

    /// <summary>GETQUOTAROOT's pair: <c>[[QUOTAROOT...], [QUOTA...]]</c>.</summary>
    public static readonly Collector QuotaRoot = new QuotaRootCollector();

    private sealed class UntaggedCollector(string name) : Collector
    {
        public override ImapResult Collect(IMAP4 imap, ImapResult tagged, PyBytes tag) => imap._untagged_response(tagged.typ, tagged.data, name);
    }

    private sealed class QuotaRootCollector : Collector
    {
        public override ImapResult Collect(IMAP4 imap, ImapResult tagged, PyBytes tag)
        {
            var (_, quota) = imap._untagged_response(tagged.typ, tagged.data, "QUOTA");
            var (typ, quotaroot) = imap._untagged_response(tagged.typ, tagged.data, "QUOTAROOT");
            return (typ, [ImapItem.List(quotaroot), ImapItem.List(quota)]);
        }
    }

    /// <summary>
    /// SEARCH's result in the shape scripts parse: <c>[b'4 5 6 9']</c>. A server in IMAP4rev2 mode (or one that answers
    /// with RFC 4731's ESEARCH) sends <c>* ESEARCH (TAG "A5") UID ALL 4:6,9</c> instead of <c>* SEARCH 4 5 6 9</c>; the
    /// ESEARCH that names this command's tag becomes the same bytes (no ALL: no match, <c>[b'']</c>) and is consumed.
    /// ESEARCH answering another tag stays where it is.
    /// </summary>
    private sealed class SearchCollector : Collector
    {
        public override ImapResult Collect(IMAP4 imap, ImapResult tagged, PyBytes tag)
        {
            if (tagged.typ == "NO" || imap.untagged_responses.ContainsKey("SEARCH"))
                return imap._untagged_response(tagged.typ, tagged.data, "SEARCH");
            if (!imap.untagged_responses.TryGetValue("ESEARCH", out var answers)) return (tagged.typ, [null]);
            byte[] correlator = [.. "(TAG \""u8, .. tag.AsSpan(), (byte)'"', (byte)')'];
            int index = answers.FindIndex(item => item is { IsBytes: true } && item.Bytes.AsSpan().StartsWith(correlator));
            if (index < 0) return (tagged.typ, [null]);
            var answer = answers[index]!.Bytes.AsSpan(correlator.Length);
            answers.RemoveAt(index);
            if (answers.Count == 0) imap.untagged_responses.Remove("ESEARCH");
            return (tagged.typ, [ImapItem.FromBytes(AllAsNumbers(answer))]);
        }

        /// <summary>The ALL value of an ESEARCH answer as space-separated numbers (<c>4:6,9</c> gives <c>4 5 6 9</c>).</summary>
        public static byte[] AllAsNumbers(ReadOnlySpan<byte> answer)
        {
            var words = Encoding.ASCII.GetString(answer).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int all = Array.FindIndex(words, w => w.Equals("ALL", StringComparison.OrdinalIgnoreCase));
            if (all < 0 || all + 1 >= words.Length) return [];
            var numbers = new StringBuilder();
            foreach (var range in words[all + 1].Split(','))
            {
                var ends = range.Split(':');
                if (!uint.TryParse(ends[0], out uint first) || !uint.TryParse(ends[^1], out uint last) || ends.Length > 2)
                    throw new IMAP4.error($"ESEARCH ALL is not a sequence set: {words[all + 1]}");
                if (first > last) (first, last) = (last, first);
                for (ulong n = first; n <= last; n++)
                {
                    if (numbers.Length > 0) numbers.Append(' ');
                    numbers.Append(n);
                }
            }
            return Encoding.ASCII.GetBytes(numbers.ToString());
        }
    }
}
