#!/usr/bin/env dotnet
#:project ../../ImapLib/ImapLib.csproj
#:package MimeKit@4.18.2
#:include _show.cs
// Save the attachments of matching messages, as a mail-fetcher cron job does (MimeKit for Python's email API).
using System.Security.Cryptography;
using System.Text;
using ImapLib;
using MimeKit;
using static _show;

var M = new IMAP4(env("IMAP_HOST", "127.0.0.1"), int.Parse(env("IMAP_PORT", "143")));
M.login(env("IMAP_USER"), env("IMAP_PASSWORD"));
var raw = Encoding.ASCII.GetBytes(
    "From: reports@example.org\r\nTo: you@example.org\r\nSubject: monthly report\r\n" +
    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
    "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attachments.\r\n" +
    "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n" +
    "Content-Disposition: attachment; filename=\"data.bin\"\r\n\r\nAAECA/8A/v0=\r\n" +
    "--b1\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n" +
    "Content-Disposition: attachment; filename*=utf-8''Gr%C3%BC%C3%9Fe.csv\r\n\r\n" +
    "name,city\r\nJ=C3=B6rg,K=C3=B6ln\r\n" +
    "--b1--\r\n");
show("append", M.append("INBOX", null, null, raw));
show("select", M.select("INBOX"));
var (typ, data) = M.search(null, "SUBJECT", "\"monthly report\"");
show("search", (typ, data));
string folder = Directory.CreateTempSubdirectory().FullName;
foreach (var num in data[0].split())
{
    (typ, data) = M.fetch(num, "(BODY.PEEK[])");
    var msg = MimeMessage.Load(new MemoryStream(data[0][1]));          // email.message_from_bytes(data[0][1])
    var parts = new MimeIterator(msg);                                 // msg.walk()
    while (parts.MoveNext())
    {
        if (parts.Current is not MimePart part) continue;              // get_content_maintype() == "multipart"
        if (part.Headers[HeaderId.ContentDisposition] is null) continue;
        string filename = part.FileName!;                              // part.get_filename() (None would fail below, as in Python)
        using (var file = File.Create(Path.Combine(folder, filename)))
            part.Content!.DecodeTo(file);                              // part.get_payload(decode=True), written
        byte[] saved = File.ReadAllBytes(Path.Combine(folder, filename));
        Console.WriteLine($"saved {Convert.ToHexStringLower(Encoding.UTF8.GetBytes(filename))} {part.ContentType.MimeType.ToLowerInvariant()} " +
                          $"{saved.Length} {Convert.ToHexStringLower(SHA256.HashData(saved))}");
    }
}
show("logout", M.logout());
