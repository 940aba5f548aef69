#!/usr/bin/env dotnet
#:project ../../ImapLib/ImapLib.csproj
#:include _show.cs
// The documentation's own minimal example: log in, read every message of INBOX.
using ImapLib;
using static _show;

var M = new IMAP4(env("IMAP_HOST", "127.0.0.1"), int.Parse(env("IMAP_PORT", "143")));
show("login", M.login(env("IMAP_USER"), env("IMAP_PASSWORD")));
show("select", M.select());
var (typ, data) = M.search(null, "ALL");
show("search", (typ, data));
foreach (var num in data[0].split())
{
    (typ, data) = M.fetch(num, "(RFC822)");
    show("fetch " + num.decode(), (typ, data));
    print($"Message {num.decode()}\n{data[0][1].Length}\n");
}
show("close", M.close());
show("logout", M.logout());
