#!/usr/bin/env dotnet
#:project ../../ImapLib/ImapLib.csproj
#:include _show.cs
// UID-based work: search, fetch metadata, parse flags and dates, change flags.
using System.Globalization;
using ImapLib;
using static _show;

var M = new IMAP4(env("IMAP_HOST", "127.0.0.1"), int.Parse(env("IMAP_PORT", "143")));
M.login(env("IMAP_USER"), env("IMAP_PASSWORD"));
show("select", M.select("INBOX"));
show("uidvalidity", M.response("UIDVALIDITY"));
var (typ, data) = M.uid("SEARCH", null, "ALL");
show("uid search", (typ, data));
var uids = data[0].split();
foreach (var uid in uids[..5])
{
    (typ, data) = M.uid("FETCH", uid, "(UID FLAGS INTERNALDATE RFC822.SIZE)");
    show("uid fetch " + uid.decode(), (typ, data));
    print("flags", imaplib.ParseFlags(data[0]));
    var when = imaplib.Internaldate2tuple(data[0]);
    print("date", when!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
}
if (uids.Count > 0)
{
    show("uid store", M.uid("STORE", uids[0], "+FLAGS", "(\\Flagged $Label1)"));
    show("uid fetch flags", M.uid("FETCH", uids[0], "(FLAGS)"));
    show("uid store silent", M.uid("STORE", uids[0], "-FLAGS.SILENT", "(\\Flagged)"));
}
show("store all seen", M.store("1:*", "+FLAGS", "\\Seen"));
show("response FETCH", M.response("FETCH"));
show("noop", M.noop());
show("recent", M.recent());
show("check", M.check());
show("unselect", M.unselect());
show("logout", M.logout());
