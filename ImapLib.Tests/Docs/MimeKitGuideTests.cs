using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace ImapLib.Tests;

/// <summary>
/// docs/mimekit.md's table for Python's default (compat32) email API: each MimeKit line gives what the Python line
/// gives on the same message. The expected values were printed by CPython 3.11's email package.
/// </summary>
public class MimeKitGuideTests
{
    private static readonly byte[] Raw = Encoding.ASCII.GetBytes(string.Join("\r\n",
        "From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <joerg@example.org>",
        "To: \"Ann\" <ann@example.org>, bob@example.org",
        "Subject: =?utf-8?b?R3LDvMOfZSBhdXMgS8O2bG4=?= and more",
        "Date: Tue, 01 Dec 2026 10:15:00 +0100",
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; boundary=\"XYZ\"",
        "",
        "--XYZ",
        "Content-Type: text/plain; charset=\"utf-8\"",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Hall=C3=B6chen",
        "--XYZ",
        "Content-Type: application/octet-stream; name=\"data.bin\"",
        "Content-Disposition: attachment; filename=\"data.bin\"",
        "Content-Transfer-Encoding: base64",
        "",
        "AAECA/8=",
        "--XYZ--",
        ""));

    [Test]
    public void The_compat32_lines_and_their_MimeKit_equivalents_agree()
    {
        // msg = email.message_from_bytes(data[0][1])
        var msg = MimeMessage.Load(new MemoryStream(Raw));

        // for part in msg.walk(): content type, is multipart, Content-Disposition, filename, decoded payload
        var walked = new List<string>();
        foreach (var part in new MimeIterator(msg).AsEnumerable())
        {
            string type = part.ContentType.MimeType.ToLowerInvariant();                        // part.get_content_type()
            bool multipart = part is Multipart;                                                  // get_content_maintype() == 'multipart'
            string? disposition = part.Headers[HeaderId.ContentDisposition];                    // part.get("Content-Disposition")
            string? filename = (part as MimePart)?.FileName;                                     // part.get_filename()
            byte[]? payload = null;                                                              // part.get_payload(decode=True)
            if (part is MimePart leaf)
            {
                using var decoded = new MemoryStream();
                leaf.Content!.DecodeTo(decoded);
                payload = decoded.ToArray();
            }
            walked.Add($"{type} {multipart} {disposition ?? "None"} {filename ?? "None"} {(payload is null ? "None" : Convert.ToHexString(payload))}");
        }
        Assert.That(walked, Is.EqualTo(new[]
        {
            "multipart/mixed True None None None",
            "text/plain False None None 48616C6CC3B66368656E",
            "application/octet-stream False attachment; filename=\"data.bin\" data.bin 00010203FF",
        }));

        // str(make_header(decode_header(msg['Subject']))): MimeKit decodes header values itself
        Assert.That(msg.Subject, Is.EqualTo("Grüße aus Köln and more"));
        var from = msg.From.Mailboxes.Single();   // Python: Jörg Müller <joerg@example.org>
        Assert.That((from.Name, from.Address), Is.EqualTo(("Jörg Müller", "joerg@example.org")));
        Assert.That(Rfc2047.DecodeText(Encoding.ASCII.GetBytes("=?utf-8?b?R3LDvMOfZSBhdXMgS8O2bG4=?= and more")), Is.EqualTo("Grüße aus Köln and more"));

        // mktime_tz(parsedate_tz(msg['Date']))
        Assert.That(DateUtils.TryParse(msg.Headers[HeaderId.Date], out DateTimeOffset date), Is.True);
        Assert.That(date.ToUnixTimeSeconds(), Is.EqualTo(1796116500));
        Assert.That(date.Offset, Is.EqualTo(TimeSpan.FromHours(1)));   // parsedate_tz's 3600

        // parseaddr(msg['To']) takes the first address; getaddresses([msg['To']]) all of them
        var to = InternetAddressList.Parse(msg.Headers[HeaderId.To]!).Mailboxes.ToList();
        Assert.That((to[0].Name, to[0].Address), Is.EqualTo(("Ann", "ann@example.org")));
        Assert.That(to.Select(m => (m.Name ?? "", m.Address)), Is.EqualTo(new[] { ("Ann", "ann@example.org"), ("", "bob@example.org") }));
    }

    [Test]
    public void Raw_header_values_undecoded_payloads_and_as_bytes_as_compat32_gives_them()
    {
        var msg = MimeMessage.Load(new MemoryStream(Raw));

        // msg.get("Subject") / msg["Subject"]: compat32 gives the header as sent, encoded words kept
        var subject = msg.Headers[msg.Headers.IndexOf(HeaderId.Subject)];
        string raw = Encoding.ASCII.GetString(subject.RawValue).TrimStart().TrimEnd('\r', '\n');
        Assert.That(raw, Is.EqualTo("=?utf-8?b?R3LDvMOfZSBhdXMgS8O2bG4=?= and more"));
        Assert.That(msg.Headers[HeaderId.Subject], Is.EqualTo("Grüße aus Köln and more"), "the indexer decodes: not get()'s value");
        // the guide's example: Python prints the encoded words, MimeKit's Subject the text
        var news = MimeMessage.Load(new MemoryStream("Subject: =?utf-8?q?Neue_Nachricht_=E2=84=961?=\r\n\r\nx\r\n"u8.ToArray()));
        Assert.That(Encoding.ASCII.GetString(news.Headers[news.Headers.IndexOf(HeaderId.Subject)].RawValue).TrimStart().TrimEnd('\r', '\n'),
            Is.EqualTo("=?utf-8?q?Neue_Nachricht_=E2=84=961?="));
        Assert.That(news.Subject, Is.EqualTo("Neue Nachricht №1"));
        // str(make_header(decode_header(value))) for any header: decode the raw bytes, not the decoded text again
        var from = msg.Headers[msg.Headers.IndexOf(HeaderId.From)];
        Assert.That(Rfc2047.DecodeText(from.RawValue).Trim(), Is.EqualTo("Jörg Müller <joerg@example.org>"));
        Assert.That(Rfc2047.DecodeText(Encoding.ASCII.GetBytes(msg.Headers[HeaderId.From]!)).Trim(),
            Is.EqualTo("J?rg M?ller <joerg@example.org>"), "the wrong recipe: ASCII bytes of already decoded text");

        // part.get_payload() of a leaf: its body as sent, transfer encoding kept
        var leaves = msg.BodyParts.OfType<MimePart>().ToList();
        static string Payload(MimePart part)
        {
            using var encoded = new MemoryStream();
            part.Content!.WriteTo(encoded);
            return Encoding.ASCII.GetString(encoded.ToArray());
        }
        Assert.That(leaves.Select(Payload), Is.EqualTo(new[] { "Hall=C3=B6chen", "AAECA/8=" }));

        // msg.as_bytes(unixfrom=True): a "From nobody <time.ctime()>" line (the message has none of its own), then
        // the message with compat32's line ending, LF
        var now = DateTime.Now;
        using var output = new MemoryStream();
        output.Write(Encoding.ASCII.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"From nobody {now:ddd MMM} {now.Day,2} {now:HH:mm:ss yyyy}\n")));
        msg.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Unix }, output);
        string asBytes = Encoding.ASCII.GetString(output.ToArray());
        Assert.That(asBytes, Does.Match(@"^From nobody [A-Z][a-z]{2} [A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d \d{4}\n"));
        // what CPython's msg.as_bytes() gives after that line
        Assert.That(asBytes[(asBytes.IndexOf('\n') + 1)..], Is.EqualTo(Encoding.ASCII.GetString(Raw).Replace("\r\n", "\n")));
    }

}

internal static class MimeIteratorExtensions
{
    /// <summary>Python's <c>msg.walk()</c>: every entity, depth first, the message's body first.</summary>
    public static IEnumerable<MimeEntity> AsEnumerable(this MimeIterator iterator)
    {
        while (iterator.MoveNext()) yield return iterator.Current;
    }
}
