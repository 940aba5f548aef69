using ImapLib.Tests.Support;
using MimeKit;

namespace ImapLib.Tests;

/// <summary>The code of docs/mimekit.md, run against Dovecot: a fetched literal is a whole message MimeKit parses.</summary>
[Category("Server")]
public class MimeKitTests
{
    [Test]
    public void Fetched_message_parses_with_MimeKit()
    {
        var account = Dovecot.NewAccount();
        var original = new MimeMessage();
        original.From.Add(new MailboxAddress("Zoë", "zoe@example.org"));
        original.To.Add(new MailboxAddress("", "you@example.org"));
        original.Subject = "Grüße aus Köln — ½ price";
        var body = new BodyBuilder { TextBody = "Hällo wörld\n" };
        body.Attachments.Add("data.bin", Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        original.Body = body.ToMessageBody();
        using (var buffer = new MemoryStream())
        {
            original.WriteTo(FormatOptions.Default, buffer);
            using var writer = account.Connect();
            Assert.That(writer.append("INBOX", null, null, buffer.ToArray()).typ, Is.EqualTo("OK"));
        }

        using var M = account.Connect();
        M.select("INBOX", @readonly: true);
        var (typ, data) = M.fetch("1", "(RFC822)");
        Assert.That(typ, Is.EqualTo("OK"));
        using var stream = new MemoryStream(data[0]![1]!);
        var msg = MimeMessage.Load(stream);
        Assert.That(msg.Subject, Is.EqualTo("Grüße aus Köln — ½ price"));
        Assert.That(msg.TextBody!.Replace("\r\n", "\n"), Is.EqualTo("Hällo wörld\n"));
        var attachment = msg.Attachments.OfType<MimePart>().Single();
        using var content = new MemoryStream();
        attachment.Content!.DecodeTo(content);
        Assert.That(attachment.FileName, Is.EqualTo("data.bin"));
        Assert.That(content.ToArray(), Is.EqualTo(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()));
    }
}
