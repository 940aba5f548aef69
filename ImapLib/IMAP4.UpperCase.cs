namespace ImapLib;

// Python lets every command be called in upper case (M.LOGIN(...)) through __getattr__ on the command table.
// C# has no such hook, so each command in the table that has a method gets an upper-case twin here.
public partial class IMAP4
{
    /// <inheritdoc cref="append"/>
    public ImapResult APPEND(ImapArg? mailbox, ImapArg? flags, object? date_time, byte[] message, bool translate_line_endings = true) => append(mailbox, flags, date_time, message, translate_line_endings);
    /// <inheritdoc cref="authenticate(string, Func{byte[], byte[]})"/>
    public ImapResult AUTHENTICATE(string mechanism, Func<byte[], byte[]?> authobject) => authenticate(mechanism, authobject);
    /// <inheritdoc cref="authenticate(string, Func{byte[], string})"/>
    public ImapResult AUTHENTICATE(string mechanism, Func<byte[], string?> authobject) => authenticate(mechanism, authobject);
    /// <inheritdoc cref="capability"/>
    public ImapResult CAPABILITY() => capability();
    /// <inheritdoc cref="check"/>
    public ImapResult CHECK() => check();
    /// <inheritdoc cref="close"/>
    public ImapResult CLOSE() => close();
    /// <inheritdoc cref="copy"/>
    public ImapResult COPY(ImapArg message_set, ImapArg new_mailbox, bool uid = false) => copy(message_set, new_mailbox, uid);
    /// <inheritdoc cref="create"/>
    public ImapResult CREATE(ImapArg mailbox) => create(mailbox);
    /// <inheritdoc cref="delete"/>
    public ImapResult DELETE(ImapArg mailbox) => delete(mailbox);
    /// <inheritdoc cref="deleteacl"/>
    public ImapResult DELETEACL(ImapArg mailbox, ImapArg who) => deleteacl(mailbox, who);
    /// <inheritdoc cref="enable"/>
    public ImapResult ENABLE(string capability) => enable(capability);
    /// <inheritdoc cref="expunge"/>
    public ImapResult EXPUNGE(ImapArg? message_set = null, bool uid = false) => expunge(message_set, uid);
    /// <inheritdoc cref="fetch(ImapArg, ImapArg, bool)"/>
    public ImapResult FETCH(ImapArg message_set, ImapArg message_parts, bool uid = false) => fetch(message_set, message_parts, uid);
    /// <inheritdoc cref="getacl"/>
    public ImapResult GETACL(ImapArg mailbox) => getacl(mailbox);
    /// <inheritdoc cref="getannotation"/>
    public ImapResult GETANNOTATION(ImapArg mailbox, ImapArg entry, ImapArg attribute) => getannotation(mailbox, entry, attribute);
    /// <inheritdoc cref="getquota"/>
    public ImapResult GETQUOTA(ImapArg root) => getquota(root);
    /// <inheritdoc cref="getquotaroot"/>
    public ImapResult GETQUOTAROOT(ImapArg mailbox) => getquotaroot(mailbox);
    /// <inheritdoc cref="list"/>
    public ImapResult LIST(ImapArg? directory = null, ImapArg? pattern = null) => list(directory, pattern);
    /// <inheritdoc cref="login"/>
    public ImapResult LOGIN(ImapArg user, ImapArg password) => login(user, password);
    /// <inheritdoc cref="logout"/>
    public ImapResult LOGOUT() => logout();
    /// <inheritdoc cref="lsub"/>
    public ImapResult LSUB(ImapArg? directory = null, ImapArg? pattern = null) => lsub(directory, pattern);
    /// <inheritdoc cref="myrights"/>
    public ImapResult MYRIGHTS(ImapArg mailbox) => myrights(mailbox);
    /// <inheritdoc cref="@namespace"/>
    public ImapResult NAMESPACE() => @namespace();
    /// <inheritdoc cref="noop"/>
    public ImapResult NOOP() => noop();
    /// <inheritdoc cref="partial"/>
    public ImapResult PARTIAL(ImapArg message_num, ImapArg message_part, ImapArg start, ImapArg length) => partial(message_num, message_part, start, length);
    /// <inheritdoc cref="proxyauth"/>
    public ImapResult PROXYAUTH(ImapArg user) => proxyauth(user);
    /// <inheritdoc cref="rename"/>
    public ImapResult RENAME(ImapArg oldmailbox, ImapArg newmailbox) => rename(oldmailbox, newmailbox);
    /// <inheritdoc cref="search(string, Nullable{ImapArg}[])"/>
    public ImapResult SEARCH(string? charset, params ImapArg?[] criteria) => search(charset, criteria);
    /// <inheritdoc cref="select"/>
    public ImapResult SELECT(ImapArg? mailbox = null, bool @readonly = false) => select(mailbox, @readonly);
    /// <inheritdoc cref="setacl"/>
    public ImapResult SETACL(ImapArg mailbox, ImapArg who, ImapArg what) => setacl(mailbox, who, what);
    /// <inheritdoc cref="setannotation"/>
    public ImapResult SETANNOTATION(ImapArg mailbox, params ImapArg?[] args) => setannotation(mailbox, args);
    /// <inheritdoc cref="setquota"/>
    public ImapResult SETQUOTA(ImapArg root, ImapArg limits) => setquota(root, limits);
    /// <inheritdoc cref="sort(ImapArg, string, Nullable{ImapArg}[])"/>
    public ImapResult SORT(ImapArg sort_criteria, string? charset, params ImapArg?[] search_criteria) => sort(sort_criteria, charset, search_criteria);
    /// <inheritdoc cref="status"/>
    public ImapResult STATUS(ImapArg mailbox, ImapArg names) => status(mailbox, names);
    /// <inheritdoc cref="store"/>
    public ImapResult STORE(ImapArg message_set, ImapArg command, ImapArg flags, bool uid = false) => store(message_set, command, flags, uid);
    /// <inheritdoc cref="subscribe"/>
    public ImapResult SUBSCRIBE(ImapArg mailbox) => subscribe(mailbox);
    /// <inheritdoc cref="thread(ImapArg, string, Nullable{ImapArg}[])"/>
    public ImapResult THREAD(ImapArg threading_algorithm, string? charset, params ImapArg?[] search_criteria) => thread(threading_algorithm, charset, search_criteria);
    /// <inheritdoc cref="uid"/>
    public ImapResult UID(string command, params ImapArg?[] args) => uid(command, args);
    /// <inheritdoc cref="move"/>
    public ImapResult MOVE(ImapArg message_set, ImapArg new_mailbox, bool uid = false) => move(message_set, new_mailbox, uid);
    /// <inheritdoc cref="starttls"/>
    public ImapResult STARTTLS(System.Net.Security.SslClientAuthenticationOptions? ssl_context = null) => starttls(ssl_context);
    /// <inheritdoc cref="idle"/>
    public Idler IDLE(double? duration = null) => idle(duration);
    /// <inheritdoc cref="unsubscribe"/>
    public ImapResult UNSUBSCRIBE(ImapArg mailbox) => unsubscribe(mailbox);
    /// <inheritdoc cref="unselect"/>
    public ImapResult UNSELECT() => unselect();
}
