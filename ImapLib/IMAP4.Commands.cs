using System.Net.Security;
using System.Security.Cryptography;
using System.Text;

namespace ImapLib;

// The public IMAP commands, as Python names them. Most are one line: Execute looks the command up in the
// command table (Protocol/CommandTable.cs), which says how its arguments are written and which untagged
// response is its result; the engine does the rest. The others say here what is special about them.
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
    /// Bare CR and LF in the message become CRLF. When the server offers LITERAL+ the message follows the command
    /// line at once (<see cref="UseLiteralPlus"/>, on by default); otherwise it is sent after the server's "+".</summary>
    /// <param name="mailbox">Target mailbox.</param>
    /// <param name="flags">Flags such as <c>(\Seen)</c>, parenthesised if not already; null for none.</param>
    /// <param name="date_time">The internal date: anything <see cref="imaplib.Time2Internaldate"/> takes; null for now.</param>
    /// <param name="message">The message bytes.</param>
    /// <param name="translate_line_endings">Normalise line endings to CRLF (the default); false sends the
    /// message exactly as given, which must then already use CRLF.</param>
    public ImapResult append(ImapArg? mailbox, ImapArg? flags, object? date_time, byte[] message, bool translate_line_endings = true)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] box = mailbox is { } m && m.ToString().Length > 0 ? Encode(Arg.Mailbox, m) : "INBOX"u8.ToArray();
        byte[]? flagList = flags is { } f && f.ToString().Length > 0 ? Encode(Arg.List, f) : null;
        byte[]? date = IsFalsy(date_time) ? null : Raw(imaplib.Time2Internaldate(date_time!));
        byte[] literal = translate_line_endings ? Literals.NormalizeLineEndings(message) : message;
        // RFC 3501's literal is CHAR8 (no NUL); only RFC 6855's UTF8 form (literal8) may carry one.
        if (!utf8_enabled && Array.IndexOf(literal, (byte)0) is >= 0 and int at)
            throw new ArgumentException($"the message holds a NUL byte at position {at}, which an IMAP literal cannot carry; refusing to send it");
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
        ScramAuthenticator.AwaitingServerProof = null;
        ImapResult result;
        ScramAuthenticator? scram;
        try
        {
            result = _command_complete("AUTHENTICATE", _command("AUTHENTICATE", [Raw(mech)], literator: Answer));
        }
        finally
        {
            scram = ScramAuthenticator.AwaitingServerProof;
            ScramAuthenticator.AwaitingServerProof = null;
        }
        if (result.typ != "OK")
            throw new error(Encoding.UTF8.GetString(TextOf(result.data[^1])));
        // A SCRAM server that says OK without proving it knows the password (no v=) is not trusted, however the
        // caller wrapped the exchange's callback.
        if (scram is { ServerVerified: false })
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
    public ImapResult capability() => Execute("CAPABILITY");

    /// <summary>Checkpoints the selected mailbox. IMAP4rev2 has no CHECK (RFC 9051 removed it; NOOP does its work), so
    /// in rev2 mode NOOP is sent: a script's <c>M.check()</c> goes on working against a strict rev2 server.</summary>
    public ImapResult check()
    {
        if (!_negotiated.Rev2) return Execute("CHECK");
        CheckState("CHECK");
        return SimpleCommand("NOOP");
    }

    /// <summary>Closes the selected mailbox, removing messages flagged \Deleted; the state becomes AUTH whatever happens.</summary>
    public ImapResult close()
    {
        try { return Execute("CLOSE"); }
        finally { state = "AUTH"; }
    }

    /// <summary>Copies the messages of <paramref name="message_set"/> to <paramref name="new_mailbox"/>.</summary>
    /// <param name="message_set">Message numbers (UIDs with <paramref name="uid"/>): text, numbers, ranges or a sequence.</param>
    /// <param name="new_mailbox">The target mailbox.</param>
    /// <param name="uid">Send UID COPY (newest CPython's keyword).</param>
    public ImapResult copy(ImapArg message_set, ImapArg new_mailbox, bool uid = false) =>
        Execute("COPY", uid, message_set, new_mailbox);

    /// <summary>Creates <paramref name="mailbox"/>.</summary>
    public ImapResult create(ImapArg mailbox) => Execute("CREATE", mailbox);

    /// <summary>Deletes <paramref name="mailbox"/>.</summary>
    public ImapResult delete(ImapArg mailbox) => Execute("DELETE", mailbox);

    /// <summary>Removes the ACL entry of <paramref name="who"/> on <paramref name="mailbox"/> (RFC 4314).</summary>
    public ImapResult deleteacl(ImapArg mailbox, ImapArg who) => Execute("DELETEACL", mailbox, who);

    /// <summary>Enables an extension (RFC 5161). Enabling UTF8=ACCEPT switches arguments to UTF-8 as soon as the
    /// server answers OK, as newest CPython does (whether or not an ENABLED response confirms it: check
    /// <c>response("ENABLED")</c> when the server may not implement RFC 6855).</summary>
    /// <exception cref="error">The server does not announce ENABLE.</exception>
    public ImapResult enable(string capability)
    {
        if (!_negotiated.CanEnable) throw new error("Server does not support ENABLE");
        var result = Execute("ENABLE", capability);
        if (result.typ != "OK") return result;
        if (capability.ToUpperInvariant().Contains("UTF8=ACCEPT")) _mode_utf8();
        // IMAP4rev2 is in force only when the server says so (RFC 9051 6.3.1): a bare OK leaves the session rev1. The
        // ENABLED data stays in untagged_responses, as CPython leaves it.
        if (untagged_responses.TryGetValue("ENABLED", out var enabled)
            && enabled.Any(item => item is { IsBytes: true } && item.decode().ToUpperInvariant().Split(' ').Contains("IMAP4REV2")))
        {
            _negotiated.Rev2 = true;
            PROTOCOL_VERSION = "IMAP4REV2";
        }
        return result;
    }

    /// <summary>Removes the messages flagged \Deleted; <c>data</c> lists the EXPUNGE responses in order. With
    /// <paramref name="uid"/>, only those of <paramref name="message_set"/> (UID EXPUNGE, RFC 4315).</summary>
    /// <exception cref="error">A message set without <paramref name="uid"/>, or <paramref name="uid"/> without one.</exception>
    public ImapResult expunge(ImapArg? message_set = null, bool uid = false)
    {
        if (message_set is not null && !uid) throw new error("expunge() takes a message set only with uid=True (UID EXPUNGE)");
        if (message_set is null && uid) throw new error("UID EXPUNGE requires a message set");
        return Execute("EXPUNGE", uid, message_set);
    }

    /// <summary>Fetches <paramref name="message_parts"/> (e.g. <c>(RFC822)</c>) of <paramref name="message_set"/>;
    /// responses with literals come as (header, literal) pairs.</summary>
    /// <param name="message_set">Message numbers (UIDs with <paramref name="uid"/>): text, numbers, ranges or a sequence.</param>
    /// <param name="message_parts">The data items: text (parenthesised unless a macro) or a sequence of item names.</param>
    /// <param name="uid">Send UID FETCH (newest CPython's keyword).</param>
    public ImapResult fetch(ImapArg message_set, ImapArg message_parts, bool uid = false) =>
        Execute("FETCH", uid, message_set, message_parts);

    /// <summary>
    /// <see cref="fetch(ImapArg, ImapArg, bool)"/> that streams: each literal of the FETCH responses is copied, as it
    /// arrives, to the stream <paramref name="literal_sink"/> returns for its header (e.g. <c>1 (BODY[] {104857600}</c>),
    /// so a message of any size passes through a small buffer. In <c>data</c> the pairs keep their header and an
    /// empty literal. The caller owns (and disposes) the streams.
    /// </summary>
    public ImapResult fetch(ImapArg message_set, ImapArg message_parts, Func<byte[], Stream> literal_sink, bool uid = false)
    {
        ArgumentNullException.ThrowIfNull(literal_sink);
        using (Divert(new StreamingFetchSink(_sink, literal_sink)))
            return fetch(message_set, message_parts, uid);
    }

    /// <summary><see cref="fetch(ImapArg, ImapArg, bool)"/> with newest CPython's <c>params</c>: each <c>?</c> in
    /// <paramref name="message_parts"/> is replaced by the next parameter, quoted as needed.</summary>
    public ImapResult fetch(ImapArg message_set, string message_parts, object?[] @params, bool uid = false) =>
        fetch(message_set, Arguments.Substitute(message_parts, @params), uid);

    /// <summary>Gets the ACL of <paramref name="mailbox"/>; <c>data</c> is the ACL response.</summary>
    public ImapResult getacl(ImapArg mailbox) => Execute("GETACL", mailbox);

    /// <summary>Gets annotations (draft ANNOTATEMORE); <c>data</c> is the ANNOTATION responses.</summary>
    public ImapResult getannotation(ImapArg mailbox, ImapArg entry, ImapArg attribute) =>
        Execute("GETANNOTATION", mailbox, entry, attribute);

    /// <summary>Gets the usage and limits of quota <paramref name="root"/> (RFC 2087).</summary>
    public ImapResult getquota(ImapArg root) => Execute("GETQUOTA", root);

    /// <summary>Gets the quota roots of <paramref name="mailbox"/>: <c>data</c> is <c>[[QUOTAROOT...], [QUOTA...]]</c>.</summary>
    public ImapResult getquotaroot(ImapArg mailbox) => Execute("GETQUOTAROOT", mailbox);

    /// <summary>Lists the mailboxes matching <paramref name="pattern"/> under <paramref name="directory"/>.</summary>
    public ImapResult list(ImapArg? directory = null, ImapArg? pattern = null) =>
        Execute("LIST", directory ?? "", pattern ?? "*");

    /// <summary>Logs in with a plain-text password, which is always sent quoted.</summary>
    /// <exception cref="error">The server refused the login.</exception>
    public ImapResult login(ImapArg user, ImapArg password)
    {
        var result = _command_complete("LOGIN", _command("LOGIN", [Encode(Arg.Astring, user), Arguments.Quote(password.Encode(utf8_enabled), utf8_enabled)], secretArg: 1));
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
        Execute("MOVE", uid, message_set, new_mailbox);

    /// <summary>Exchanges identification with the server (RFC 2971): <paramref name="fields"/> are sent as quoted
    /// strings (a null value as NIL), no fields as NIL. <c>data</c> is the server's ID response.</summary>
    public ImapResult id(IEnumerable<KeyValuePair<string, string?>>? fields = null)
    {
        string Quoted(string text) => Encoding.UTF8.GetString(Arguments.Quote(Arguments.Encode(text, utf8_enabled), utf8_enabled));
        string list = fields is null ? "NIL"
            : "(" + string.Join(" ", fields.Select(f => Quoted(f.Key) + " " + (f.Value is null ? "NIL" : Quoted(f.Value)))) + ")";
        return Execute("ID", list);
    }

    /// <summary>Logs in with AUTHENTICATE CRAM-MD5 (RFC 2195): the password never crosses the wire.</summary>
    public ImapResult login_cram_md5(string user, string password) => login_cram_md5(user, Encoding.UTF8.GetBytes(password));

    /// <summary><see cref="login_cram_md5(string, string)"/> with the password as bytes (Python's <c>bytes</c> password).</summary>
    public ImapResult login_cram_md5(string user, byte[] password)
    {
        ArgumentNullException.ThrowIfNull(password);
        byte[] key = (byte[])password.Clone();
        return authenticate("CRAM-MD5", challenge => user + " " + Convert.ToHexStringLower(HMACMD5.HashData(key, challenge)));
    }

    /// <summary>Logs out and closes the connection; <c>typ</c> is BYE when the server said goodbye.</summary>
    public ImapResult logout()
    {
        state = "LOGOUT";
        try { return SimpleCommand("LOGOUT"); }
        finally
        {
            shutdown();
            _reader?.Anchors.Release();
        }
    }

    /// <summary>Lists the subscribed mailboxes matching <paramref name="pattern"/>. IMAP4rev2 has no LSUB (RFC 9051
    /// removed it); in rev2 mode <c>LIST (SUBSCRIBED)</c> is sent instead and its LIST responses, which have LSUB's shape
    /// (attributes, delimiter, name; <c>\Subscribed</c> among the attributes), are the result.</summary>
    public ImapResult lsub(ImapArg? directory = null, ImapArg? pattern = null)
    {
        if (!_negotiated.Rev2) return Execute("LSUB", directory ?? "", pattern ?? "*");
        CheckState("LSUB");
        var args = Arguments.Encode(CommandTable.Row("LIST"), [directory ?? "", pattern ?? "*"], _negotiated.Utf8Arguments);
        return Collect(Collector.Untagged("LIST"), "LIST", uid: false, [Raw("(SUBSCRIBED)"), .. args]);
    }

    /// <summary>Shows the rights the current user has on <paramref name="mailbox"/> (RFC 4314).</summary>
    public ImapResult myrights(ImapArg mailbox) => Execute("MYRIGHTS", mailbox);

    /// <summary>Returns the server's namespaces (RFC 2342). (Spelt <c>@namespace</c> in C#, where it is a keyword.)</summary>
    public ImapResult @namespace() => Execute("NAMESPACE");

    /// <summary>Does nothing but collect whatever the server has to say.</summary>
    public ImapResult noop()
    {
        if (debug >= 3) _dump_ur(untagged_responses);
        return Execute("NOOP");
    }

    /// <summary>The obsolete IMAP2bis PARTIAL fetch; <c>data</c> is the FETCH responses.</summary>
    public ImapResult partial(ImapArg message_num, ImapArg message_part, ImapArg start, ImapArg length) =>
        Execute("PARTIAL", message_num, message_part, start, length);

    /// <summary>Lets an administrator act as <paramref name="user"/>.</summary>
    public ImapResult proxyauth(ImapArg user) => Execute("PROXYAUTH", user);

    /// <summary>Renames <paramref name="oldmailbox"/> to <paramref name="newmailbox"/>.</summary>
    public ImapResult rename(ImapArg oldmailbox, ImapArg newmailbox) => Execute("RENAME", oldmailbox, newmailbox);

    /// <summary>Searches the selected mailbox; <c>data[0]</c> is the space-separated message numbers.</summary>
    /// <param name="charset">The CHARSET of the criteria, or null (must be null once UTF-8 is enabled).</param>
    /// <param name="criteria">The search keys, each sent as given.</param>
    public ImapResult search(string? charset, params ImapArg?[] criteria) => search(charset, false, criteria);

    /// <summary><see cref="search(string, Nullable{ImapArg}[])"/>, as UID SEARCH when <paramref name="uid"/> is set
    /// (Python's <c>uid=True</c>; in C# <c>M.search(null, uid: true, "ALL")</c>).</summary>
    public ImapResult search(string? charset, bool uid, params ImapArg?[] criteria)
    {
        if (charset is not null && utf8_enabled) throw new error("Non-None charset not valid in UTF8 mode");
        byte[]?[] keys = Arguments.Criteria(charset, criteria, utf8_enabled);
        byte[]?[] args = charset is null ? keys : [Raw("CHARSET"), Encode(Arg.Charset, charset), .. keys];
        return Collect(Collector.Search, "SEARCH", uid, args);
    }

    /// <summary>SEARCH with newest CPython's <c>params</c>: each <c>?</c> in <paramref name="criteria"/> is
    /// replaced by the next parameter, quoted as needed (<c>M.search(null, "FROM ?", @params: [who])</c>).</summary>
    public ImapResult search(string? charset, string criteria, object?[] @params, bool uid = false) =>
        search(charset, uid, Arguments.Substitute(criteria, @params));

    /// <summary>Selects <paramref name="mailbox"/> (EXAMINE when <paramref name="readonly"/>); <c>data</c> is the
    /// EXISTS count. Other responses (FLAGS, UIDVALIDITY, ...) wait in <see cref="untagged_responses"/>.</summary>
    /// <exception cref="@readonly">The server opened for reading only a mailbox asked for read-write.</exception>
    public ImapResult select(ImapArg? mailbox = null, bool @readonly = false)
    {
        ImapArg box = mailbox ?? "INBOX";
        byte[] encoded = Encode(Arg.Mailbox, box);
        untagged_responses = [];
        is_readonly = @readonly;
        string name = @readonly ? "EXAMINE" : "SELECT";
        var result = SimpleCommand(name, encoded);
        if (result.typ != "OK")
        {
            state = "AUTH";
            return result;
        }
        state = "SELECTED";
        // An IMAP4rev2 server answers SELECT with an untagged LIST of the mailbox (RFC 9051 6.3.2): it belongs to the
        // SELECT, and left in place it would join the next list()'s result.
        if (_negotiated.Rev2) untagged_responses.Remove("LIST");
        if (untagged_responses.ContainsKey("READ-ONLY") && !@readonly)
        {
            if (debug >= 1) _dump_ur(untagged_responses);
            throw new @readonly($"{(box.IsText ? PyRepr.Of(box.ToString()) : PyRepr.Of(box.Encode(utf8_enabled)))} is not writable");
        }
        return (result.typ, untagged_responses.TryGetValue("EXISTS", out var exists) ? exists : [null]);
    }

    /// <summary>Grants <paramref name="what"/> rights on <paramref name="mailbox"/> to <paramref name="who"/> (RFC 4314).</summary>
    public ImapResult setacl(ImapArg mailbox, ImapArg who, ImapArg what) => Execute("SETACL", mailbox, who, what);

    /// <summary>Sets annotations of <paramref name="mailbox"/> (draft ANNOTATEMORE); the entries are sent as given.</summary>
    public ImapResult setannotation(ImapArg mailbox, params ImapArg?[] args) =>
        Execute("SETANNOTATION", [mailbox, .. args]);

    /// <summary>Sets the <paramref name="limits"/> (e.g. <c>(STORAGE 1024)</c>) of quota <paramref name="root"/> (RFC 2087).</summary>
    public ImapResult setquota(ImapArg root, ImapArg limits) => Execute("SETQUOTA", root, limits);

    /// <summary>Sorts the selected mailbox (RFC 5256); <paramref name="sort_criteria"/> is parenthesised if needed.</summary>
    public ImapResult sort(ImapArg sort_criteria, string? charset, params ImapArg?[] search_criteria) =>
        sort(sort_criteria, charset, false, search_criteria);

    /// <summary><see cref="sort(ImapArg, string, Nullable{ImapArg}[])"/>, as UID SORT when <paramref name="uid"/> is set.</summary>
    public ImapResult sort(ImapArg sort_criteria, string? charset, bool uid, params ImapArg?[] search_criteria) =>
        Execute("SORT", uid, [sort_criteria, charset, .. search_criteria]);

    /// <summary>SORT with newest CPython's <c>params</c> substituted into <paramref name="search_criteria"/>.</summary>
    public ImapResult sort(ImapArg sort_criteria, string? charset, string search_criteria, object?[] @params, bool uid = false) =>
        sort(sort_criteria, charset, uid, Arguments.Substitute(search_criteria, @params));

    /// <summary>Asks for the status items <paramref name="names"/> (e.g. <c>(MESSAGES UNSEEN)</c>) of <paramref name="mailbox"/>.</summary>
    public ImapResult status(ImapArg mailbox, ImapArg names) => Execute("STATUS", mailbox, names);

    /// <summary>
    /// Upgrades the connection to TLS with STARTTLS (RFC 3501 section 6.2.1), then re-reads the capabilities.
    /// The certificate is verified by default (unlike CPython). Anything the server sent before the handshake
    /// is discarded, so it cannot pose as a response from the secure session.
    /// </summary>
    /// <param name="ssl_context">TLS settings; null verifies against the system trust store.</param>
    /// <exception cref="abort">TLS is already on, the server does not offer STARTTLS, or the handshake failed.</exception>
    /// <exception cref="error">The server refused STARTTLS.</exception>
    public ImapResult starttls(SslClientAuthenticationOptions? ssl_context = null)
    {
        const string name = "STARTTLS";
        if (_negotiated.Tls) throw new abort("TLS session already established");
        if (!_negotiated.Has(name)) throw new abort("TLS not supported by server");
        var context = ssl_context ?? ssl.create_default_context();
        var result = SimpleCommand(name);
        if (result.typ != "OK") throw new error("Couldn't establish TLS session");
        try
        {
            UpgradeToTls(context);
        }
        catch
        {
            try { shutdown(); } catch (Exception e) when (IsTransportFailure(e)) { }
            state = "LOGOUT";
            throw;
        }
        _negotiated.Tls = true;
        _get_capabilities();
        return _untagged_response(result, name);
    }

    /// <summary>
    /// Turns on COMPRESS=DEFLATE (RFC 4978): sends <c>COMPRESS DEFLATE</c> and, when the server answers OK, wraps the
    /// connection in raw deflate both ways. From then on the built-in hooks (<see cref="read"/>,
    /// <see cref="readline"/>, <see cref="send"/>) and the debug trace see the protocol uncompressed; each
    /// <see cref="send"/> ends a deflate block, so every command reaches the server at once. Works over plain TCP,
    /// TLS (also after <see cref="starttls"/>) and a child process's pipes.
    /// </summary>
    /// <returns>The tagged reply: OK, or NO (for instance <c>[COMPRESSIONACTIVE]</c>, when the server already
    /// compresses), in which case nothing changes.</returns>
    /// <exception cref="error">The server does not announce COMPRESS=DEFLATE, compression is already on, or the
    /// connection is not the built-in transport (a subclass that replaces the hooks).</exception>
    public ImapResult compress()
    {
        const string name = "COMPRESS";
        if (_negotiated.Compressed) throw new error("compression is already active");
        if (!_negotiated.Has("COMPRESS=DEFLATE")) throw new error("Server does not support COMPRESS=DEFLATE");
        if (!CanCompress) throw new error("COMPRESS needs the built-in transport");
        var result = SimpleCommand(name, Raw("DEFLATE"));
        if (result.typ != "OK") return result;
        StartCompression();
        _negotiated.Compressed = true;
        return result;
    }

    /// <summary>True when <see cref="compress"/> can wrap the transport: the built-in stream is open, or a subclass
    /// that replaces the hooks provides <see cref="StartCompression"/> itself.</summary>
    protected virtual bool CanCompress => Stream is not null;

    /// <summary>
    /// The switch of <see cref="compress"/>, run after the server's OK: wraps the built-in stream in raw deflate both
    /// ways. A subclass that replaces the transport hooks overrides it (with <see cref="CanCompress"/>) to script the
    /// switch; its hooks then go on seeing the protocol uncompressed, as the built-in ones do.
    /// </summary>
    protected virtual void StartCompression()
    {
        var current = Stream ?? throw new error("COMPRESS needs the built-in transport");
        // What the reader already holds after the OK line is the start of the compressed stream: hand it over.
        SetStream(new DeflateConnection(current, _reader?.TakeBuffered() ?? []), _sock);
    }

    /// <summary>
    /// The TLS upgrade of <see cref="starttls"/>, run after the server's OK: a handshake over the built-in stream,
    /// which then replaces it (anything buffered after the OK line is dropped: it was sent in the clear). A subclass
    /// that replaces the transport hooks overrides this to script the upgrade, for instance by doing nothing and
    /// carrying on with its scripted conversation (see docs/testing.md).
    /// </summary>
    /// <exception cref="error">There is no built-in stream to upgrade.</exception>
    protected virtual void UpgradeToTls(SslClientAuthenticationOptions ssl_context)
    {
        var plain = Stream ?? throw new error("STARTTLS needs the default socket transport, or an override of UpgradeToTls");
        SetStream(ssl.Handshake(plain, ssl_context, host, port), _sock);
    }

    /// <summary>Changes flags: <paramref name="command"/> is FLAGS, +FLAGS or -FLAGS (optionally .SILENT);
    /// <paramref name="flags"/> is parenthesised if needed. <c>data</c> is the FETCH responses.</summary>
    public ImapResult store(ImapArg message_set, ImapArg command, ImapArg flags, bool uid = false) =>
        Execute("STORE", uid, message_set, command, flags);

    /// <summary>Subscribes to <paramref name="mailbox"/>.</summary>
    public ImapResult subscribe(ImapArg mailbox) => Execute("SUBSCRIBE", mailbox);

    /// <summary>Threads the selected mailbox (RFC 5256); <c>data</c> is the THREAD response.</summary>
    public ImapResult thread(ImapArg threading_algorithm, string? charset, params ImapArg?[] search_criteria) =>
        thread(threading_algorithm, charset, false, search_criteria);

    /// <summary><see cref="thread(ImapArg, string, Nullable{ImapArg}[])"/>, as UID THREAD when <paramref name="uid"/> is set.</summary>
    public ImapResult thread(ImapArg threading_algorithm, string? charset, bool uid, params ImapArg?[] search_criteria) =>
        Execute("THREAD", uid, [threading_algorithm, charset, .. search_criteria]);

    /// <summary>THREAD with newest CPython's <c>params</c> substituted into <paramref name="search_criteria"/>.</summary>
    public ImapResult thread(ImapArg threading_algorithm, string? charset, string search_criteria, object?[] @params, bool uid = false) =>
        thread(threading_algorithm, charset, uid, Arguments.Substitute(search_criteria, @params));

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
        var row = CommandTable.Row(command);
        return Collect(row.UidResult, command, uid: true, Arguments.Encode(row, args, _negotiated.Utf8Arguments));
    }

    /// <summary><see cref="uid(string, Nullable{ImapArg}[])"/> with newest CPython's <c>params</c>: the placeholders in
    /// the text arguments (<c>?</c>, <c>?f</c>, <c>?s</c>, <c>??</c>; see <see cref="search(string, string, object[], bool)"/>)
    /// take the parameters in order, e.g. <c>M.uid("SEARCH", "FROM ?", @params: [who])</c>. Pass
    /// <paramref name="params"/> by name, as Python does.</summary>
    public ImapResult uid(string command, ImapArg? arg1, List<object?> @params) => uid(command, Arguments.Substitute([arg1], @params));

    /// <inheritdoc cref="uid(string, Nullable{ImapArg}, List{object})"/>
    public ImapResult uid(string command, ImapArg? arg1, ImapArg? arg2, List<object?> @params) =>
        uid(command, Arguments.Substitute([arg1, arg2], @params));

    /// <inheritdoc cref="uid(string, Nullable{ImapArg}, List{object})"/>
    public ImapResult uid(string command, ImapArg? arg1, ImapArg? arg2, ImapArg? arg3, List<object?> @params) =>
        uid(command, Arguments.Substitute([arg1, arg2, arg3], @params));

    /// <inheritdoc cref="uid(string, Nullable{ImapArg}, List{object})"/>
    public ImapResult uid(string command, ImapArg? arg1, ImapArg? arg2, ImapArg? arg3, ImapArg? arg4, List<object?> @params) =>
        uid(command, Arguments.Substitute([arg1, arg2, arg3, arg4], @params));

    /// <summary>Unsubscribes from <paramref name="mailbox"/>.</summary>
    public ImapResult unsubscribe(ImapArg mailbox) => Execute("UNSUBSCRIBE", mailbox);

    /// <summary>Leaves the selected mailbox without expunging (RFC 3691); the state becomes AUTH whatever happens.</summary>
    public ImapResult unselect()
    {
        try { return Execute("UNSELECT"); }
        finally { state = "AUTH"; }
    }

    /// <summary>Sends an extension command the library has no method for. An unknown <paramref name="name"/> is
    /// added to <see cref="imaplib.Commands"/> as legal in the current state, as Python does.</summary>
    public ImapResult xatom(string name, params ImapArg?[] args)
    {
        name = name.ToUpperInvariant();
        // The name goes on the wire bare, before any argument: it must be one atom (no space, CR, LF, ...).
        if (name.Length == 0 || !Arguments.IsAtom(Encoding.ASCII.GetBytes(name), listWildcards: false) || name.Any(c => c > 0x7f))
            throw new ArgumentException($"not an IMAP command name: {PyRepr.Of(name)}", nameof(name));
        imaplib.Commands.TryAdd(name, [state]);
        // As in CPython, xatom sends its arguments as given and returns the tagged reply, even for a known command.
        return Run(name, uid: false, Array.ConvertAll(args, Raw));
    }

    // ---- The table-driven path -------------------------------------------------------------------------------

    /// <summary>Runs <paramref name="name"/> with <paramref name="args"/> written as its table row says, and returns
    /// its result: the untagged response the row names, or the tagged completion.</summary>
    private ImapResult Execute(string name, params ImapArg?[] args) => Execute(name, uid: false, args);

    /// <summary><see cref="Execute(string, Nullable{ImapArg}[])"/>, as <c>UID name</c> when <paramref name="uid"/> is
    /// set (newest CPython's <c>uid=True</c> keyword).</summary>
    private ImapResult Execute(string name, bool uid, params ImapArg?[] args)
    {
        var row = CommandTable.Row(name);
        var encoded = Arguments.Encode(row, args, _negotiated.Utf8Arguments);
        return row.Result is { } collector ? Collect(collector, name, uid, encoded) : Run(name, uid, encoded);
    }

    /// <summary>Sends <paramref name="name"/> (or <c>UID name</c>) with arguments already written.</summary>
    private ImapResult Run(string name, bool uid, byte[]?[] args) =>
        uid ? SimpleCommand("UID", [Raw(name), .. args]) : SimpleCommand(name, args);

    /// <summary><see cref="Run"/>, with the result made by <paramref name="collector"/> from what the command's tag got.</summary>
    private ImapResult Collect(Collector collector, string name, bool uid, byte[]?[] args)
    {
        string sent = uid ? "UID" : name;
        var tag = _command(sent, uid ? [Raw(name), .. args] : args);
        return collector.Collect(this, _command_complete(sent, tag), tag);
    }

    /// <summary>An argument of kind <paramref name="kind"/>, written for this connection (ASCII or UTF-8).</summary>
    private byte[] Encode(Arg kind, ImapArg arg) => Arguments.Encode(kind, arg, _negotiated.Utf8Arguments);

    /// <summary>An argument sent as given, or null (left out) for None.</summary>
    private byte[]? Raw(ImapArg? arg) => arg is { } a ? Arguments.Raw(a, _negotiated.Utf8Arguments) : null;
}
