#!/usr/bin/env dotnet
#:project ../../ImapLib/ImapLib.csproj
#:include _show.cs
// Put a small, fixed set of messages into INBOX: the other examples start from it.
using System.Text;
using ImapLib;
using static _show;

var M = new IMAP4(env("IMAP_HOST", "127.0.0.1"), int.Parse(env("IMAP_PORT", "143")));
M.login(env("IMAP_USER"), env("IMAP_PASSWORD"));
int[] dates = [978307200, 1000000000, 1262304000, 1577836800, 1700000000];   // 2001 .. 2023
foreach (var (i, when) in dates.Select((when, index) => (index + 1, when)))
{
    var msg = Encoding.UTF8.GetBytes($"From: sender{i}@example.org\r\nTo: you@example.org\r\n" +
           $"Subject: message {i}\r\nMessage-ID: <m{i}@example.org>\r\n\r\n"
           + string.Concat(Enumerable.Repeat("body line\r\n", i)));
    show($"append {i}", M.append("INBOX", i % 2 != 0 ? "(\\Seen)" : null,
                                 imaplib.Time2Internaldate(when), msg));
}
show("logout", M.logout());
