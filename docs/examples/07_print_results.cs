#!/usr/bin/env dotnet
#:project ../../ImapLib/ImapLib.csproj
#:include _show.cs
// Results printed as they come, the way a quick report script (or an interactive session) shows them.
using ImapLib;
using static _show;

var M = new IMAP4(env("IMAP_HOST", "127.0.0.1"), int.Parse(env("IMAP_PORT", "143")));
M.login(env("IMAP_USER"), env("IMAP_PASSWORD"));
Console.WriteLine(M.select("INBOX"));
var (typ, data) = M.search(null, "ALL");
Console.WriteLine($"{typ} {data}");
var nums = data[0].split();
Console.WriteLine($"{nums} {nums.Count}");
var last = nums[^1];
foreach (var num in nums)
{
    (typ, data) = M.fetch(num, "(FLAGS RFC822.SIZE)");
    Console.WriteLine($"{num} {typ} {data}");
    if (num == last)
        Console.WriteLine($"last message: {int.Parse(num)}");
}
var result = M.fetch("1"u8.ToArray(), "(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])");
Console.WriteLine(result);
Console.WriteLine($"{result.typ} {result.data[0][0]}");
Console.WriteLine(result.data[0][1].decode().Trim());
(typ, data) = M.search(null, "UNSEEN");
var unseen = data[0].split();
Console.WriteLine($"unseen: {unseen} {unseen.Contains("2"u8)} {unseen[0] == "2"u8}");
Console.WriteLine(imaplib.ParseFlags(M.fetch("1", "(FLAGS)").data[0]));
Console.WriteLine(M.status("INBOX", "(MESSAGES UNSEEN)"));
Console.WriteLine(M.response("FLAGS"));
Console.WriteLine(M.search(null, "SUBJECT", "nosuchsubject"));
Console.WriteLine(M.noop());
Console.WriteLine(M.close());
Console.WriteLine(M.logout());
