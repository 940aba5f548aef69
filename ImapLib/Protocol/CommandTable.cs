using System.Collections.Frozen;

namespace ImapLib;

/// <summary>How one positional argument of a command is written on the wire (see <see cref="Arguments"/>).</summary>
internal enum Arg
{
    /// <summary>Sent as given, after the NUL/CR/LF check (criteria, command words, rights).</summary>
    Raw,
    /// <summary>An astring: atom when possible, otherwise quoted (user names, ACL identifiers, quota roots).</summary>
    Astring,
    /// <summary>A mailbox name: modified UTF-7 (or UTF-8 once enabled), then an astring.</summary>
    Mailbox,
    /// <summary>A message set: numbers, ranges and sequences written as <c>1:3,7</c>.</summary>
    SequenceSet,
    /// <summary>A LIST/LSUB pattern: a mailbox name in which the wildcards <c>%</c> and <c>*</c> stay bare.</summary>
    ListPattern,
    /// <summary>FETCH items: parenthesised unless a macro (ALL, FAST, FULL).</summary>
    FetchParts,
    /// <summary>A parenthesised list (flags, status items, sort criteria, quota limits).</summary>
    List,
    /// <summary>A charset name (an astring); the <see cref="Criteria"/> that follow are encoded in it.</summary>
    Charset,
    /// <summary>This and every later argument: search criteria in the preceding <see cref="Charset"/>.</summary>
    Criteria,
}

/// <summary>
/// One row of the command table: a command's name, the states it is legal in, the untagged response that is
/// its result, whether it has a UID form, and how its arguments are written.
/// </summary>
/// <param name="Name">The command as sent (upper case).</param>
/// <param name="States">The connection states in which it may be sent.</param>
/// <param name="Result">How its result is collected (the untagged response returned as its data), or null for the
/// tagged completion.</param>
/// <param name="Uid">True when <c>UID name</c> exists (RFC 3501, 4315, 5256, 6851): the method takes <c>uid:</c>.</param>
/// <param name="Args">How each positional argument is written, both plain and under <c>uid()</c>; arguments past
/// the end of this list are <see cref="Arg.Raw"/>.</param>
internal sealed record CommandSpec(string Name, string[] States, Collector? Result = null, bool Uid = false, Arg[]? Args = null)
{
    private static readonly Collector Fetch = Collector.Untagged("FETCH");

    /// <summary>What <c>uid(Name, ...)</c> returns: the command's own result for SEARCH, SORT and THREAD, the FETCH
    /// responses for all others (CPython's rule, which holds even for COPY and EXPUNGE).</summary>
    public Collector UidResult => Name is "SEARCH" or "SORT" or "THREAD" && Result is not null ? Result : Fetch;

    /// <summary>The encoding of argument <paramref name="index"/>; <see cref="Arg.Criteria"/> extends to the end.</summary>
    public Arg ArgAt(int index)
    {
        var args = Args ?? [];
        if (index < args.Length) return args[index];
        return args.Length > 0 && args[^1] == Arg.Criteria ? Arg.Criteria : Arg.Raw;
    }
}

/// <summary>
/// The command table: the one list of IMAP commands this library knows. Legality (<see cref="imaplib.Commands"/>),
/// the result of each command, the routing of <see cref="IMAP4.uid(string, Nullable{ImapArg}[])"/> and the upper-case twins
/// (<c>M.FETCH</c>, generated at build time by ImapLib.Generators) are all derived from it. To add a command, add
/// its row here and its one-line method to IMAP4.Commands.cs.
/// </summary>
internal static class CommandTable
{
    private const string NONAUTH = "NONAUTH", AUTH = "AUTH", SELECTED = "SELECTED", LOGOUT = "LOGOUT";
    private static readonly string[] Any = [NONAUTH, AUTH, SELECTED, LOGOUT];
    private static readonly string[] Authenticated = [AUTH, SELECTED];

    /// <summary>Every command, in alphabetical order.</summary>
    public static readonly IReadOnlyList<CommandSpec> Rows =
    [
        new("APPEND", Authenticated),
        new("AUTHENTICATE", [NONAUTH]),
        new("CAPABILITY", Any, Result: Collector.Untagged("CAPABILITY")),
        new("CHECK", [SELECTED]),
        new("CLOSE", [SELECTED]),
        new("COMPRESS", Authenticated),
        new("COPY", [SELECTED], Uid: true, Args: [Arg.SequenceSet, Arg.Mailbox]),
        new("CREATE", Authenticated, Args: [Arg.Mailbox]),
        new("DELETE", Authenticated, Args: [Arg.Mailbox]),
        new("DELETEACL", Authenticated, Args: [Arg.Mailbox, Arg.Astring]),
        new("ENABLE", [AUTH]),
        new("EXAMINE", Authenticated),
        new("EXPUNGE", [SELECTED], Result: Collector.Untagged("EXPUNGE"), Uid: true, Args: [Arg.SequenceSet]),
        new("FETCH", [SELECTED], Result: Collector.Untagged("FETCH"), Uid: true, Args: [Arg.SequenceSet, Arg.FetchParts]),
        new("GETACL", Authenticated, Result: Collector.Untagged("ACL"), Args: [Arg.Mailbox]),
        new("GETANNOTATION", Authenticated, Result: Collector.Untagged("ANNOTATION"), Args: [Arg.Mailbox, Arg.Raw, Arg.Raw]),
        new("GETQUOTA", Authenticated, Result: Collector.Untagged("QUOTA"), Args: [Arg.Astring]),
        new("GETQUOTAROOT", Authenticated, Result: Collector.QuotaRoot, Args: [Arg.Mailbox]),
        new("ID", [NONAUTH, AUTH, SELECTED], Result: Collector.Untagged("ID")),
        new("IDLE", Authenticated),
        new("LIST", Authenticated, Result: Collector.Untagged("LIST"), Args: [Arg.Mailbox, Arg.ListPattern]),
        new("LOGIN", [NONAUTH]),
        new("LOGOUT", Any),
        new("LSUB", Authenticated, Result: Collector.Untagged("LSUB"), Args: [Arg.Mailbox, Arg.ListPattern]),
        new("MOVE", [SELECTED], Uid: true, Args: [Arg.SequenceSet, Arg.Mailbox]),
        new("MYRIGHTS", Authenticated, Result: Collector.Untagged("MYRIGHTS"), Args: [Arg.Mailbox]),
        new("NAMESPACE", Authenticated, Result: Collector.Untagged("NAMESPACE")),
        new("NOOP", Any),
        new("PARTIAL", [SELECTED], Result: Collector.Untagged("FETCH")),
        new("PROXYAUTH", [AUTH], Args: [Arg.Astring]),
        new("RENAME", Authenticated, Args: [Arg.Mailbox, Arg.Mailbox]),
        new("SEARCH", [SELECTED], Result: Collector.Search, Uid: true),
        new("SELECT", Authenticated),
        new("SETACL", Authenticated, Args: [Arg.Mailbox, Arg.Astring, Arg.Astring]),
        new("SETANNOTATION", Authenticated, Result: Collector.Untagged("ANNOTATION"), Args: [Arg.Mailbox]),
        new("SETQUOTA", Authenticated, Result: Collector.Untagged("QUOTA"), Args: [Arg.Astring, Arg.List]),
        new("SORT", [SELECTED], Result: Collector.Untagged("SORT"), Uid: true, Args: [Arg.List, Arg.Charset, Arg.Criteria]),
        new("STARTTLS", [NONAUTH]),
        new("STATUS", Authenticated, Result: Collector.Untagged("STATUS"), Args: [Arg.Mailbox, Arg.List]),
        new("STORE", [SELECTED], Result: Collector.Untagged("FETCH"), Uid: true, Args: [Arg.SequenceSet, Arg.Raw, Arg.List]),
        new("SUBSCRIBE", Authenticated, Args: [Arg.Mailbox]),
        new("THREAD", [SELECTED], Result: Collector.Untagged("THREAD"), Uid: true, Args: [Arg.Raw, Arg.Charset, Arg.Criteria]),
        new("UID", [SELECTED]),
        new("UNSELECT", [SELECTED]),
        new("UNSUBSCRIBE", Authenticated, Args: [Arg.Mailbox]),
    ];

    private static readonly FrozenDictionary<string, CommandSpec> ByName = Rows.ToFrozenDictionary(row => row.Name);

    /// <summary>The row of <paramref name="name"/>; a command added at run time (<c>xatom</c>) has a row made for it
    /// with all arguments raw.</summary>
    public static CommandSpec Row(string name) =>
        ByName.TryGetValue(name, out var row) ? row : new CommandSpec(name, imaplib.Commands.TryGetValue(name, out var states) ? states : []);
}
