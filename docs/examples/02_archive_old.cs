#!/usr/bin/env dotnet
#:project ../../ImapLib/ImapLib.csproj
#:include _show.cs
// Move everything older than a date from INBOX to an archive folder, the classic way.
using ImapLib;
using static _show;

var M = new IMAP4(env("IMAP_HOST", "127.0.0.1"), int.Parse(env("IMAP_PORT", "143")));
M.login(env("IMAP_USER"), env("IMAP_PASSWORD"));
var archive = "\"Archive 2001\"";          // scripts quote names that hold spaces
show("create", M.create(archive));
show("create again", M.create(archive));          // NO: already exists, not an exception
show("select", M.select("INBOX"));
var (typ, data) = M.search(null, "(BEFORE 01-Jan-2002)");
show("search", (typ, data));
var nums = data[0].split();
if (nums.Count > 0)
{
    var message_set = PyBytes.join(",", nums).decode();
    show("copy", M.copy(message_set, archive));
    show("store", M.store(message_set, "+FLAGS", "\\Deleted"));
    show("expunge", M.expunge());
}
show("status", M.status(archive, "(MESSAGES UNSEEN)"));
show("search again", M.search(null, "BEFORE", "01-Jan-2002"));
try
{
    M.fetch("1", "(BOGUS)");
}
catch (IMAP4.error e)
{
    print("error:", e.GetType().Name);
}
show("logout", M.logout());
