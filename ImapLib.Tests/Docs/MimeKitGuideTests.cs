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

}

internal static class MimeIteratorExtensions
{
    /// <summary>Python's <c>msg.walk()</c>: every entity, depth first, the message's body first.</summary>
    public static IEnumerable<MimeEntity> AsEnumerable(this MimeIterator iterator)
    {
        while (iterator.MoveNext()) yield return iterator.Current;
    }
}
