#!/usr/bin/env dotnet
#:project ../../ImapLib/ImapLib.csproj
#:include _show.cs
// Walk the folder tree and print counts; names with spaces, quotes and wildcards.
using System.Text.RegularExpressions;
using ImapLib;
using static _show;

var M = new IMAP4(env("IMAP_HOST", "127.0.0.1"), int.Parse(env("IMAP_PORT", "143")));
M.login(env("IMAP_USER"), env("IMAP_PASSWORD"));
foreach (var name in new[] { "Projects", "\"Projects/Alpha Beta\"", "\"Quote\\\"Inside\"", "\"Back\\\\slash\"", "\"Star*\"" })
    show("create " + name, M.create(name));
show("list", M.list());
show("list pattern", M.list("\"\"", "Projects/%"));
show("lsub", M.lsub());
show("subscribe", M.subscribe("Projects"));
show("lsub after", M.lsub());
var list_re = new Regex(@"^\((?<flags>[^)]*)\) (?<delim>""[^""]*""|NIL) (?<name>.+)");
var (typ, data) = M.list();
foreach (var line in data)
{
    var m = list_re.Match(line.decode());
    var name = m.Groups["name"].Value;
    show("status " + name, M.status(name, "(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)"));
}
show("rename", M.rename("\"Projects/Alpha Beta\"", "Projects/Gamma"));
show("delete", M.delete("Projects/Gamma"));
show("namespace", M.@namespace());
show("logout", M.logout());
