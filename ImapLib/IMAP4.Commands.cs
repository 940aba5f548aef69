using System.Security.Cryptography;
using System.Text;

namespace ImapLib;

// The public IMAP commands. Each states how its arguments are written (see IMAP4.Arguments.cs) and which
// untagged response is its result; the engine does the rest.
public partial class IMAP4
{
    private static bool Truthy(ImapItem? item) => item is not null && item.Length > 0;

    // ---- Utility methods ---------------------------------------------------------------------------------

    /// <summary>Returns the RECENT responses received so far; if none, asks the server with NOOP.
    /// <c>data</c> is <c>[None]</c> when there is no new message.</summary>
    public ImapResult recent()
    {
        const string name = "RECENT";
        var result = _untagged_response("OK", [null], name);
        if (Truthy(result.data[^1])) return result;
        return _untagged_response(noop(), name);
    }

    /// <summary>Returns and clears the untagged data received for <paramref name="code"/> (e.g. "UIDVALIDITY",
    /// "EXISTS", "FETCH"); <c>data</c> is <c>[None]</c> when none came. <c>typ</c> is the code itself.</summary>
    public ImapResult response(string code) => _untagged_response(code, [null], code.ToUpperInvariant());

    // ---- IMAP4 commands ----------------------------------------------------------------------------------

    /// <summary>Appends <paramref name="message"/> to <paramref name="mailbox"/> (INBOX when null or empty).
    /// Bare CR and LF in the message become CRLF; the message is sent only after the server's continuation.</summary>
    /// <param name="mailbox">Target mailbox.</param>
    /// <param name="flags">Flags such as <c>(\Seen)</c>, parenthesised if not already; null for none.</param>
    /// <param name="date_time">The internal date: anything <see cref="imaplib.Time2Internaldate"/> takes; null for now.</param>
    /// <param name="message">The message bytes.</param>
    /// <param name="translate_line_endings">Normalise line endings to CRLF (the default); false sends the
    /// message exactly as given, which must then already use CRLF.</param>
    public ImapResult append(ImapArg? mailbox, ImapArg? flags, object? date_time, byte[] message, bool translate_line_endings = true)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] box = mailbox is { } m && m.ToString().Length > 0 ? Mailbox(m) : "INBOX"u8.ToArray();
        byte[]? flagList = flags is { } f && f.ToString().Length > 0 ? ListArg(f) : null;
        byte[]? date = IsFalsy(date_time) ? null : Raw(imaplib.Time2Internaldate(date_time!));
        byte[] literal = translate_line_endings ? Crlf.Normalize(message) : message;
        return _command_complete("APPEND", _command("APPEND", [box, flagList, date], literal));
    }

    private static bool IsFalsy(object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        int or long or double or float or decimal => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) == 0,
        _ => false,
    };

    /// <summary>
    /// AUTHENTICATE with <paramref name="mechanism"/>. <paramref name="authobject"/> is called with each decoded
    /// server challenge and returns the bytes to send (base64-encoded for it), or null to cancel with <c>*</c>.
    /// </summary>
    /// <exception cref="error">The server did not answer OK.</exception>
    public ImapResult authenticate(string mechanism, Func<byte[], byte[]?> authobject)
    {
        ArgumentNullException.ThrowIfNull(authobject);
        string mech = mechanism.ToUpperInvariant();
        byte[] Answer(byte[]? challenge)
        {
            byte[]? reply = authobject(Authenticator.Decode(challenge));
            return reply is null ? "*"u8.ToArray() : Authenticator.Encode(reply);
        }
        var result = _command_complete("AUTHENTICATE", _command("AUTHENTICATE", [Raw(mech)], literator: Answer));
        if (result.typ != "OK")
            throw new error(Encoding.UTF8.GetString(TextOf(result.data[^1])));
        // A SCRAM server that says OK without proving it knows the password (no v=) is not trusted.
        if (authobject.Target is ScramAuthenticator { ServerVerified: false } scram)
            throw new error($"{scram.Mechanism}: the server accepted the login without proving its identity (no server signature)");
        state = "AUTH";
        _refresh_capabilities();
        return result;
    }

    /// <summary><see cref="authenticate(string, Func{byte[], byte[]})"/> with a callback that answers in text (sent as UTF-8).</summary>
    public ImapResult authenticate(string mechanism, Func<byte[], string?> authobject)
    {
        ArgumentNullException.ThrowIfNull(authobject);
        return authenticate(mechanism, challenge => authobject(challenge) is { } text ? Encoding.UTF8.GetBytes(text) : null);
    }

    /// <summary>Asks the server for its capabilities; <c>data</c> is the CAPABILITY response.</summary>
    public ImapResult capability() => _untagged_response(_simple_command("CAPABILITY"), "CAPABILITY");

    /// <summary>Checkpoints the selected mailbox.</summary>
    public ImapResult check() => _simple_command("CHECK");

    /// <summary>Closes the selected mailbox, removing messages flagged \Deleted; the state becomes AUTH whatever happens.</summary>
    public ImapResult close()
    {
        try { return _simple_command("CLOSE"); }
        finally { state = "AUTH"; }
    }

    /// <summary>Copies the messages of <paramref name="message_set"/> to <paramref name="new_mailbox"/>.</summary>
    /// <param name="message_set">Message numbers (UIDs with <paramref name="uid"/>): text, numbers, ranges or a sequence.</param>
    /// <param name="new_mailbox">The target mailbox.</param>
    /// <param name="uid">Send UID COPY (newest CPython's keyword).</param>
    public ImapResult copy(ImapArg message_set, ImapArg new_mailbox, bool uid = false) =>
        Run("COPY", uid, SequenceSet(message_set), Mailbox(new_mailbox));

    /// <summary>Creates <paramref name="mailbox"/>.</summary>
    public ImapResult create(ImapArg mailbox) => _simple_command("CREATE", Mailbox(mailbox));

    /// <summary>Deletes <paramref name="mailbox"/>.</summary>
    public ImapResult delete(ImapArg mailbox) => _simple_command("DELETE", Mailbox(mailbox));

    /// <summary>Removes the ACL entry of <paramref name="who"/> on <paramref name="mailbox"/> (RFC 4314).</summary>
    public ImapResult deleteacl(ImapArg mailbox, ImapArg who) => _simple_command("DELETEACL", Mailbox(mailbox), Astring(who));

    /// <summary>Enables an extension (RFC 5161). Enabling UTF8=ACCEPT switches arguments to UTF-8.</summary>
    /// <exception cref="error">The server does not announce ENABLE.</exception>
    public ImapResult enable(string capability)
    {
        if (!capabilities.Contains("ENABLE")) throw new error("Server does not support ENABLE");
        var result = _simple_command("ENABLE", Raw(capability));
        if (result.typ == "OK" && capability.ToUpperInvariant().Contains("UTF8=ACCEPT") && Utf8Accepted()) _mode_utf8();
        return result;
    }

    /// <summary>
    /// Whether the server really turned UTF8=ACCEPT on. CPython switches on any OK; a server that does not offer
    /// UTF8=ACCEPT (Dovecot 2.3 answers OK and enables nothing) would then get UTF-8 names it refuses. So: the
    /// ENABLED response lists it (RFC 5161), or, when no ENABLED came, the server announced the capability.
    /// </summary>
    private bool Utf8Accepted()
    {
        if (untagged_responses.TryGetValue("ENABLED", out var enabled))
            return enabled.Any(e => e is { IsBytes: true } && DecodeForMessage(e.Bytes).ToUpperInvariant().Split(' ').Contains("UTF8=ACCEPT"));
        return capabilities.Contains("UTF8=ACCEPT");
    }

    /// <summary>Removes the messages flagged \Deleted; <c>data</c> lists the EXPUNGE responses in order. With
    /// <paramref name="uid"/>, only those of <paramref name="message_set"/> (UID EXPUNGE, RFC 4315).</summary>
    /// <exception cref="error">A message set without <paramref name="uid"/>, or <paramref name="uid"/> without one.</exception>
    public ImapResult expunge(ImapArg? message_set = null, bool uid = false)
    {
        if (message_set is not null && !uid) throw new error("expunge() takes a message set only with uid=True (UID EXPUNGE)");
        if (message_set is null && uid) throw new error("UID EXPUNGE requires a message set");
        return _untagged_response(Run("EXPUNGE", uid, message_set is { } set ? SequenceSet(set) : null), "EXPUNGE");
    }

    /// <summary>Fetches <paramref name="message_parts"/> (e.g. <c>(RFC822)</c>) of <paramref name="message_set"/>;
    /// responses with literals come as (header, literal) pairs.</summary>
    /// <param name="message_set">Message numbers (UIDs with <paramref name="uid"/>): text, numbers, ranges or a sequence.</param>
    /// <param name="message_parts">The data items: text (parenthesised unless a macro) or a sequence of item names.</param>
    /// <param name="uid">Send UID FETCH (newest CPython's keyword).</param>
    public ImapResult fetch(ImapArg message_set, ImapArg message_parts, bool uid = false) =>
        _untagged_response(Run("FETCH", uid, SequenceSet(message_set), FetchParts(message_parts)), "FETCH");

    /// <summary>
    /// <see cref="fetch(ImapArg, ImapArg, bool)"/> that streams: each literal of the FETCH responses is copied, as it
    /// arrives, to the stream <paramref name="literal_sink"/> returns for its header (e.g. <c>1 (BODY[] {104857600}</c>),
    /// so a message of any size passes through a small buffer. In <c>data</c> the pairs keep their header and an
    /// empty literal. The caller owns (and disposes) the streams.
    /// </summary>
    public ImapResult fetch(ImapArg message_set, ImapArg message_parts, Func<byte[], Stream> literal_sink, bool uid = false)
    {
        ArgumentNullException.ThrowIfNull(literal_sink);
        _literalSink = literal_sink;
        try { return fetch(message_set, message_parts, uid); }
        finally { _literalSink = null; }
    }

    /// <summary><see cref="fetch(ImapArg, ImapArg, bool)"/> with newest CPython's <c>params</c>: each <c>?</c> in
    /// <paramref name="message_parts"/> is replaced by the next parameter, quoted as needed.</summary>
    public ImapResult fetch(ImapArg message_set, string message_parts, object?[] @params, bool uid = false) =>
        fetch(message_set, Substitute(message_parts, @params), uid);

    /// <summary>Gets the ACL of <paramref name="mailbox"/>; <c>data</c> is the ACL response.</summary>
    public ImapResult getacl(ImapArg mailbox) => _untagged_response(_simple_command("GETACL", Mailbox(mailbox)), "ACL");

    /// <summary>Gets annotations (draft ANNOTATEMORE); <c>data</c> is the ANNOTATION responses.</summary>
    public ImapResult getannotation(ImapArg mailbox, ImapArg entry, ImapArg attribute) =>
        _untagged_response(_simple_command("GETANNOTATION", Mailbox(mailbox), Raw(entry), Raw(attribute)), "ANNOTATION");

    /// <summary>Gets the usage and limits of quota <paramref name="root"/> (RFC 2087).</summary>
    public ImapResult getquota(ImapArg root) => _untagged_response(_simple_command("GETQUOTA", Astring(root)), "QUOTA");

    /// <summary>Gets the quota roots of <paramref name="mailbox"/>: <c>data</c> is <c>[[QUOTAROOT...], [QUOTA...]]</c>.</summary>
    public ImapResult getquotaroot(ImapArg mailbox)
    {
        var result = _simple_command("GETQUOTAROOT", Mailbox(mailbox));
        var (_, quota) = _untagged_response(result, "QUOTA");
        var (typ, quotaroot) = _untagged_response(result, "QUOTAROOT");
        return (typ, [ImapItem.List(quotaroot), ImapItem.List(quota)]);
    }

    /// <summary>Lists the mailboxes matching <paramref name="pattern"/> under <paramref name="directory"/>.</summary>
    public ImapResult list(ImapArg? directory = null, ImapArg? pattern = null) =>
        _untagged_response(_simple_command("LIST", Mailbox(directory ?? ""), Mailbox(pattern ?? "*", listWildcards: true)), "LIST");

    /// <summary>Logs in with a plain-text password, which is always sent quoted.</summary>
    /// <exception cref="error">The server refused the login.</exception>
    public ImapResult login(ImapArg user, ImapArg password)
    {
        var result = _command_complete("LOGIN", _command("LOGIN", [Astring(user), Wire.Quote(password.Encode(utf8_enabled))], secretArg: 1));
        if (result.typ != "OK") throw new error(Encoding.UTF8.GetString(TextOf(result.data[^1])));
        state = "AUTH";
        _refresh_capabilities();
        return result;
    }

    /// <summary>
    /// Logs in with AUTHENTICATE PLAIN (RFC 4616), as newest CPython's <c>login_plain</c>: user and password are
    /// sent as UTF-8, so any password works except one holding NUL. Use it over TLS: PLAIN is not encrypted.
    /// </summary>
    /// <exception cref="ArgumentException">The user or password holds a NUL character.</exception>
    public ImapResult login_plain(ImapArg user, ImapArg password)
    {
        byte[] name = user.Encode(utf8: true), secret = password.Encode(utf8: true);
        if (name.Contains((byte)0) || secret.Contains((byte)0)) throw new ArgumentException("NUL is not allowed in login_plain() user or password");
        return authenticate("PLAIN", _ => [0, .. name, 0, .. secret]);
    }

    /// <summary>Moves messages to <paramref name="new_mailbox"/> (RFC 6851).</summary>
    /// <param name="message_set">Message numbers (UIDs with <paramref name="uid"/>): text, numbers, ranges or a sequence.</param>
    /// <param name="new_mailbox">The target mailbox.</param>
    /// <param name="uid">Send UID MOVE.</param>
    public ImapResult move(ImapArg message_set, ImapArg new_mailbox, bool uid = false) =>
        Run("MOVE", uid, SequenceSet(message_set), Mailbox(new_mailbox));

    /// <summary>Exchanges identification with the server (RFC 2971): <paramref name="fields"/> are sent as quoted
    /// strings (a null value as NIL), no fields as NIL. <c>data</c> is the server's ID response.</summary>
    public ImapResult id(IEnumerable<KeyValuePair<string, string?>>? fields = null)
    {
        string Quoted(string text) => Encoding.UTF8.GetString(Wire.Quote(Wire.Encode(text, utf8_enabled)));
        string list = fields is null ? "NIL"
            : "(" + string.Join(" ", fields.Select(f => Quoted(f.Key) + " " + (f.Value is null ? "NIL" : Quoted(f.Value)))) + ")";
        return _untagged_response(_simple_command("ID", Raw(list)), "ID");
    }

    /// <summary>Logs in with AUTHENTICATE CRAM-MD5 (RFC 2195): the password never crosses the wire.</summary>
    public ImapResult login_cram_md5(string user, string password)
    {
        byte[] key = Encoding.UTF8.GetBytes(password);
        return authenticate("CRAM-MD5", challenge => user + " " + Convert.ToHexStringLower(HMACMD5.HashData(key, challenge)));
    }

    /// <summary>Logs out and closes the connection; <c>typ</c> is BYE when the server said goodbye.</summary>
    public ImapResult logout()
    {
        state = "LOGOUT";
        try { return _simple_command("LOGOUT"); }
        finally { shutdown(); }
    }

    /// <summary>Lists the subscribed mailboxes matching <paramref name="pattern"/>.</summary>
    public ImapResult lsub(ImapArg? directory = null, ImapArg? pattern = null) =>
        _untagged_response(_simple_command("LSUB", Mailbox(directory ?? ""), Mailbox(pattern ?? "*", listWildcards: true)), "LSUB");

    /// <summary>Shows the rights the current user has on <paramref name="mailbox"/> (RFC 4314).</summary>
    public ImapResult myrights(ImapArg mailbox) => _untagged_response(_simple_command("MYRIGHTS", Mailbox(mailbox)), "MYRIGHTS");

    /// <summary>Returns the server's namespaces (RFC 2342). (Spelt <c>@namespace</c> in C#, where it is a keyword.)</summary>
    public ImapResult @namespace() => _untagged_response(_simple_command("NAMESPACE"), "NAMESPACE");

    /// <summary>Does nothing but collect whatever the server has to say.</summary>
    public ImapResult noop()
    {
        if (debug >= 3) _dump_ur(untagged_responses);
        return _simple_command("NOOP");
    }

    /// <summary>The obsolete IMAP2bis PARTIAL fetch; <c>data</c> is the FETCH responses.</summary>
    public ImapResult partial(ImapArg message_num, ImapArg message_part, ImapArg start, ImapArg length) =>
        _untagged_response(_simple_command("PARTIAL", Raw(message_num), Raw(message_part), Raw(start), Raw(length)), "FETCH");

    /// <summary>Lets an administrator act as <paramref name="user"/>.</summary>
    public ImapResult proxyauth(ImapArg user) => _simple_command("PROXYAUTH", Astring(user));

    /// <summary>Renames <paramref name="oldmailbox"/> to <paramref name="newmailbox"/>.</summary>
    public ImapResult rename(ImapArg oldmailbox, ImapArg newmailbox) => _simple_command("RENAME", Mailbox(oldmailbox), Mailbox(newmailbox));

    /// <summary>Searches the selected mailbox; <c>data[0]</c> is the space-separated message numbers.</summary>
    /// <param name="charset">The CHARSET of the criteria, or null (must be null once UTF-8 is enabled).</param>
    /// <param name="criteria">The search keys, each sent as given.</param>
    public ImapResult search(string? charset, params ImapArg?[] criteria) => search(charset, false, criteria);

    /// <summary><see cref="search(string, Nullable{ImapArg}[])"/>, as UID SEARCH when <paramref name="uid"/> is set
    /// (Python's <c>uid=True</c>; in C# <c>M.search(null, uid: true, "ALL")</c>).</summary>
    public ImapResult search(string? charset, bool uid, params ImapArg?[] criteria)
    {
        if (charset is not null && utf8_enabled) throw new error("Non-None charset not valid in UTF8 mode");
        byte[]?[] keys = Criteria(charset, criteria);
        byte[]?[] args = charset is null ? keys : [Raw("CHARSET"), Charset(charset), .. keys];
        return _untagged_response(Run("SEARCH", uid, args), "SEARCH");
    }

    /// <summary>SEARCH with newest CPython's <c>params</c>: each <c>?</c> in <paramref name="criteria"/> is
    /// replaced by the next parameter, quoted as needed (<c>M.search(null, "FROM ?", @params: [who])</c>).</summary>
    public ImapResult search(string? charset, string criteria, object?[] @params, bool uid = false) =>
        search(charset, uid, Substitute(criteria, @params));

    /// <summary>Selects <paramref name="mailbox"/> (EXAMINE when <paramref name="readonly"/>); <c>data</c> is the
    /// EXISTS count. Other responses (FLAGS, UIDVALIDITY, ...) wait in <see cref="untagged_responses"/>.</summary>
    /// <exception cref="@readonly">The server opened for reading only a mailbox asked for read-write.</exception>
    public ImapResult select(ImapArg? mailbox = null, bool @readonly = false)
    {
        ImapArg box = mailbox ?? "INBOX";
        byte[] encoded = Mailbox(box);
        untagged_responses = [];
        is_readonly = @readonly;
        string name = @readonly ? "EXAMINE" : "SELECT";
        var result = _simple_command(name, encoded);
        if (result.typ != "OK")
        {
            state = "AUTH";
            return result;
        }
        state = "SELECTED";
        if (untagged_responses.ContainsKey("READ-ONLY") && !@readonly)
        {
            if (debug >= 1) _dump_ur(untagged_responses);
            throw new @readonly($"{(box.IsText ? PyRepr.Of(box.ToString()) : PyRepr.Of(box.Encode(utf8_enabled)))} is not writable");
        }
        return (result.typ, untagged_responses.TryGetValue("EXISTS", out var exists) ? exists : [null]);
    }

    /// <summary>Grants <paramref name="what"/> rights on <paramref name="mailbox"/> to <paramref name="who"/> (RFC 4314).</summary>
    public ImapResult setacl(ImapArg mailbox, ImapArg who, ImapArg what) => _simple_command("SETACL", Mailbox(mailbox), Astring(who), Astring(what));

    /// <summary>Sets annotations of <paramref name="mailbox"/> (draft ANNOTATEMORE); the entries are sent as given.</summary>
    public ImapResult setannotation(ImapArg mailbox, params ImapArg?[] args) =>
        _untagged_response(_simple_command("SETANNOTATION", [Mailbox(mailbox), .. RawAll(args)]), "ANNOTATION");

    /// <summary>Sets the <paramref name="limits"/> (e.g. <c>(STORAGE 1024)</c>) of quota <paramref name="root"/> (RFC 2087).</summary>
    public ImapResult setquota(ImapArg root, ImapArg limits) => _untagged_response(_simple_command("SETQUOTA", Astring(root), ListArg(limits)), "QUOTA");

    /// <summary>Sorts the selected mailbox (RFC 5256); <paramref name="sort_criteria"/> is parenthesised if needed.</summary>
    public ImapResult sort(ImapArg sort_criteria, string? charset, params ImapArg?[] search_criteria) =>
        sort(sort_criteria, charset, false, search_criteria);

    /// <summary><see cref="sort(ImapArg, string, Nullable{ImapArg}[])"/>, as UID SORT when <paramref name="uid"/> is set.</summary>
    public ImapResult sort(ImapArg sort_criteria, string? charset, bool uid, params ImapArg?[] search_criteria) =>
        _untagged_response(Run("SORT", uid, [ListArg(sort_criteria), Charset(charset), .. Criteria(charset, search_criteria)]), "SORT");

    /// <summary>SORT with newest CPython's <c>params</c> substituted into <paramref name="search_criteria"/>.</summary>
    public ImapResult sort(ImapArg sort_criteria, string? charset, string search_criteria, object?[] @params, bool uid = false) =>
        sort(sort_criteria, charset, uid, Substitute(search_criteria, @params));

    /// <summary>Asks for the status items <paramref name="names"/> (e.g. <c>(MESSAGES UNSEEN)</c>) of <paramref name="mailbox"/>.</summary>
    public ImapResult status(ImapArg mailbox, ImapArg names) => _untagged_response(_simple_command("STATUS", Mailbox(mailbox), ListArg(names)), "STATUS");

    /// <summary>Changes flags: <paramref name="command"/> is FLAGS, +FLAGS or -FLAGS (optionally .SILENT);
    /// <paramref name="flags"/> is parenthesised if needed. <c>data</c> is the FETCH responses.</summary>
    public ImapResult store(ImapArg message_set, ImapArg command, ImapArg flags, bool uid = false) =>
        _untagged_response(Run("STORE", uid, SequenceSet(message_set), Raw(command), ListArg(flags)), "FETCH");

    /// <summary>Subscribes to <paramref name="mailbox"/>.</summary>
    public ImapResult subscribe(ImapArg mailbox) => _simple_command("SUBSCRIBE", Mailbox(mailbox));

    /// <summary>Threads the selected mailbox (RFC 5256); <c>data</c> is the THREAD response.</summary>
    public ImapResult thread(ImapArg threading_algorithm, string? charset, params ImapArg?[] search_criteria) =>
        thread(threading_algorithm, charset, false, search_criteria);

    /// <summary><see cref="thread(ImapArg, string, Nullable{ImapArg}[])"/>, as UID THREAD when <paramref name="uid"/> is set.</summary>
    public ImapResult thread(ImapArg threading_algorithm, string? charset, bool uid, params ImapArg?[] search_criteria) =>
        _untagged_response(Run("THREAD", uid, [Raw(threading_algorithm), Charset(charset), .. Criteria(charset, search_criteria)]), "THREAD");

    /// <summary>THREAD with newest CPython's <c>params</c> substituted into <paramref name="search_criteria"/>.</summary>
    public ImapResult thread(ImapArg threading_algorithm, string? charset, string search_criteria, object?[] @params, bool uid = false) =>
        thread(threading_algorithm, charset, uid, Substitute(search_criteria, @params));

    /// <summary>
    /// Runs <paramref name="command"/> (FETCH, SEARCH, STORE, COPY, ...) with UIDs instead of message numbers.
    /// The result is the command's own: SEARCH/SORT/THREAD data, otherwise the FETCH responses.
    /// </summary>
    /// <exception cref="error">The command is unknown or not legal in the current state.</exception>
    public ImapResult uid(string command, params ImapArg?[] args)
    {
        command = command.ToUpperInvariant();
        if (!imaplib.Commands.ContainsKey(command))
            throw new error($"Unknown IMAP4 UID command: {PyRepr.Of(command)}");
        CheckState(command);
        var result = _simple_command("UID", [Raw(command), .. UidArguments(command, args)]);
        return _untagged_response(result, command is "SEARCH" or "SORT" or "THREAD" ? command : "FETCH");
    }

    /// <summary>The arguments of a UID sub-command, each written as the plain command writes it (newest CPython).</summary>
    private byte[]?[] UidArguments(string command, ImapArg?[] args)
    {
        if (command is "SORT" or "THREAD" && args is [var first, var charsetArg, ..])
        {
            // Both take (criteria-or-algorithm, charset, search criteria...), the criteria in that charset.
            string? charset = charsetArg?.ToString();
            byte[]? head = command == "SORT" && first is { } criteria ? ListArg(criteria) : Raw(first);
            return [head, Charset(charset), .. Criteria(charset, args[2..])];
        }
        var encoded = new byte[]?[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is not { } arg) continue;
            encoded[i] = (command, i) switch
            {
                ("COPY" or "MOVE" or "FETCH" or "STORE" or "EXPUNGE", 0) => SequenceSet(arg),
                ("COPY" or "MOVE", 1) => Mailbox(arg),
                ("FETCH", 1) => FetchParts(arg),
                ("STORE", 2) => ListArg(arg),
                _ => Raw(arg),
            };
        }
        return encoded;
    }

    /// <summary>Unsubscribes from <paramref name="mailbox"/>.</summary>
    public ImapResult unsubscribe(ImapArg mailbox) => _simple_command("UNSUBSCRIBE", Mailbox(mailbox));

    /// <summary>Leaves the selected mailbox without expunging (RFC 3691); the state becomes AUTH whatever happens.</summary>
    public ImapResult unselect()
    {
        try { return _simple_command("UNSELECT"); }
        finally { state = "AUTH"; }
    }

    /// <summary>Sends an extension command the library has no method for. An unknown <paramref name="name"/> is
    /// added to <see cref="imaplib.Commands"/> as legal in the current state, as Python does.</summary>
    public ImapResult xatom(string name, params ImapArg?[] args)
    {
        name = name.ToUpperInvariant();
        // The name goes on the wire bare, before any argument: it must be one atom (no space, CR, LF, ...).
        if (name.Length == 0 || !Wire.IsAtom(Encoding.ASCII.GetBytes(name), listWildcards: false) || name.Any(c => c > 0x7f))
            throw new ArgumentException($"not an IMAP command name: {PyRepr.Of(name)}", nameof(name));
        imaplib.Commands.TryAdd(name, [state]);
        return _simple_command(name, RawAll(args));
    }
}
