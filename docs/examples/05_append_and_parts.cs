#!/usr/bin/env dotnet
#:project ../../ImapLib/ImapLib.csproj
#:include _show.cs
// Append messages with flags and dates, then fetch parts of them.
using System.Text;
using ImapLib;
using static _show;

var M = new IMAP4(env("IMAP_HOST", "127.0.0.1"), int.Parse(env("IMAP_PORT", "143")));
M.login(env("IMAP_USER"), env("IMAP_PASSWORD"));
M.create("Drafts");
var body = ("From: a@example.org\r\nTo: b@example.org\r\nSubject: café €\r\n"u8 +
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"u8 +
        "Content-Transfer-Encoding: 8bit\r\n\r\nLine one\r\nLine two 📧\r\n.\r\n"u8).ToArray();
var date = imaplib.Time2Internaldate(1000000000);
print("date", date);
show("append", M.append("Drafts", "(\\Draft \\Seen)", date, body));
show("append bare LF", M.append("Drafts", null, null, Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(body).Replace("\r\n", "\n"))));
show("select", M.select("Drafts", @readonly: true));
show("fetch header fields", M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])"));
show("fetch structure", M.fetch("1", "(BODYSTRUCTURE ENVELOPE)"));
show("fetch partial", M.fetch("1:2", "(BODY.PEEK[]<0.40> RFC822.SIZE)"));
show("fetch date", M.fetch("1", "(INTERNALDATE)"));
show("fetch text", M.fetch("1", "(BODY.PEEK[TEXT])"));
try
{
    M.store("1", "+FLAGS", "\\Deleted");
}
catch (IMAP4.error e)
{
    print("store on read-only:", e.GetType().Name);
}
show("close", M.close());
show("logout", M.logout());
