using System.Text;

namespace ImapLib.Fuzz.Guided;

/// <summary>One argument of a command line as a server reads it.</summary>
public abstract record Token
{
    /// <summary>An atom (RFC 3501 <c>1*ASTRING-CHAR</c>, LIST's wildcards and a flag's leading backslash
    /// allowed): its bytes.</summary>
    public sealed record Atom(byte[] Bytes) : Token;

    /// <summary>A quoted string or a literal: its value, escapes removed.</summary>
    public sealed record Str(byte[] Bytes, bool Literal) : Token;

    /// <summary>A parenthesised list.</summary>
    public sealed record List(IReadOnlyList<Token> Items) : Token;

    /// <summary>The value of an astring (atom or string), or null for a list.</summary>
    public byte[]? Value => this switch { Atom a => a.Bytes, Str s => s.Bytes, _ => null };
}

/// <summary>A complete command line: tag, name and arguments.</summary>
public sealed record ParsedCommand(string Tag, string Name, IReadOnlyList<Token> Args);

/// <summary>The command line does not follow the grammar.</summary>
public sealed class GrammarException(string message) : Exception(message);

/// <summary>
/// The independent parser of the encoder target: RFC 3501 section 9's grammar of a command line, as a strict server
/// reads it, written for the harness from the RFC and sharing no code with ImapLib. <c>tag SP name *(SP argument)
/// CRLF</c>, where an argument is an atom, a quoted string (TEXT-CHARs, that is 7-bit and no NUL, CR or LF; only
/// <c>\"</c> and <c>\\</c> escaped; after ENABLE UTF8=ACCEPT, RFC 6855, also well-formed UTF-8), a literal
/// (<c>{n}</c> CRLF then n bytes of CHAR8, no NUL; <c>{n+}</c> only when LITERAL+ is announced; after UTF8=ACCEPT
/// also literal8, <c>~{n}</c>) or a parenthesised
/// list of these, single spaces between. It reads the bytes the client has sent so far and says whether a command is
/// complete, or waits for a continuation after a synchronizing literal.
/// </summary>
public sealed class StrictCommandParser(bool literalPlus, bool utf8)
{
    public enum State { Incomplete, NeedsContinuation, Complete }

    private byte[] _buffer = [];
    private int _at;
    private int _syncLiterals;

    /// <summary>Reads one command from the start of <paramref name="bytes"/>. <paramref name="continuations"/> is how
    /// many continuation requests the server has already sent for this command. <paramref name="length"/> is the
    /// command's length when it is complete.</summary>
    public State Parse(byte[] bytes, int continuations, out ParsedCommand? command, out int length)
    {
        _buffer = bytes;
        _at = 0;
        _syncLiterals = 0;
        command = null;
        length = 0;
        try
        {
            string tag = Ascii(TakeWhile(b => IsAstringChar(b) && b != '+', "a tag"));
            Expect((byte)' ');
            string name = Ascii(TakeWhile(IsAtomChar, "a command name"));
            var args = new List<Token>();
            while (Peek() == ' ')
            {
                _at++;
                args.Add(Argument(continuations, depth: 0));
            }
            Expect((byte)'\r');
            Expect((byte)'\n');
            command = new ParsedCommand(tag, name, args);
            length = _at;
            if (_at != _buffer.Length) throw new GrammarException("bytes after the command's CRLF before the server answered");
            return State.Complete;
        }
        catch (NeedMore more)
        {
            return more.Continuation ? State.NeedsContinuation : State.Incomplete;
        }
    }

    private sealed class NeedMore(bool continuation) : Exception
    {
        public bool Continuation { get; } = continuation;
    }

    private int Peek() => _at < _buffer.Length ? _buffer[_at] : throw new NeedMore(false);

    private void Expect(byte b)
    {
        if (Peek() != b) throw new GrammarException($"expected '{(char)b}' at {_at}, found 0x{_buffer[_at]:x2}");
        _at++;
    }

    private byte[] TakeWhile(Func<byte, bool> accept, string what)
    {
        int start = _at;
        while (accept((byte)Peek())) _at++;
        if (_at == start) throw new GrammarException($"expected {what} at {start}, found 0x{_buffer[start]:x2}");
        return _buffer[start.._at];
    }

    private Token Argument(int continuations, int depth)
    {
        int c = Peek();
        switch (c)
        {
            case '"': return Quoted();
            case '{': return Literal(continuations, eightBit: false);
            case '~' when utf8 && _at + 1 < _buffer.Length && _buffer[_at + 1] == '{':
                _at++;
                return Literal(continuations, eightBit: true);
            case '(':
                _at++;
                var items = new List<Token>();
                if (Peek() != ')')
                {
                    items.Add(Argument(continuations, depth + 1));
                    while (Peek() == ' ')
                    {
                        _at++;
                        items.Add(Argument(continuations, depth + 1));
                    }
                }
                Expect((byte)')');
                return new Token.List(items);
            default:
                int start = _at;
                if (c == '\\') _at++;   // a system flag
                while (IsAstringChar((byte)Peek()) || Peek() is '%' or '*') _at++;
                if (_at == start || (c == '\\' && _at == start + 1)) throw new GrammarException($"expected an argument at {start}, found 0x{c:x2}");
                return new Token.Atom(_buffer[start.._at]);
        }
    }

    private Token Quoted()
    {
        _at++;
        var value = new List<byte>();
        while (true)
        {
            byte b = (byte)Peek();
            _at++;
            if (b == '"') break;
            if (b == '\\')
            {
                byte e = (byte)Peek();
                if (e is not ((byte)'"' or (byte)'\\')) throw new GrammarException($"'\\' escapes 0x{e:x2} in a quoted string (only \\\" and \\\\)");
                _at++;
                value.Add(e);
                continue;
            }
            if (b is 0 or (byte)'\r' or (byte)'\n') throw new GrammarException($"0x{b:x2} in a quoted string");
            if (b >= 0x80 && !utf8) throw new GrammarException($"8-bit byte 0x{b:x2} in a quoted string (RFC 3501 TEXT-CHAR is 7-bit)");
            value.Add(b);
        }
        var bytes = value.ToArray();
        if (utf8 && !IsUtf8(bytes)) throw new GrammarException("a quoted string that is not UTF-8 (RFC 6855)");
        return new Token.Str(bytes, Literal: false);
    }

    /// <summary>A literal; <paramref name="eightBit"/>: literal8 (RFC 3516, in APPEND's UTF8 form of RFC 6855),
    /// which may hold NUL.</summary>
    private Token Literal(int continuations, bool eightBit)
    {
        _at++;
        var digits = TakeWhile(b => char.IsAsciiDigit((char)b), "a literal's size");
        if (digits.Length > 10 || !uint.TryParse(digits, out uint size)) throw new GrammarException("a literal's size beyond 32 bits");
        bool plus = Peek() == '+';
        if (plus)
        {
            if (!literalPlus) throw new GrammarException("{n+} without LITERAL+");
            _at++;
        }
        Expect((byte)'}');
        Expect((byte)'\r');
        Expect((byte)'\n');
        if (!plus)
        {
            if (_syncLiterals++ >= continuations)
            {
                if (_at == _buffer.Length) throw new NeedMore(true);
                throw new GrammarException("literal bytes sent before the continuation request");
            }
        }
        if (_buffer.Length - _at < size) throw new NeedMore(false);
        var value = _buffer[_at..(_at + (int)size)];
        if (!eightBit && value.Contains((byte)0)) throw new GrammarException("NUL in a literal (CHAR8 is %x01-ff)");
        _at += (int)size;
        return new Token.Str(value, Literal: true);
    }

    /// <summary>ATOM-CHAR: any CHAR except atom-specials ( ) { SP CTL % * " \ ].</summary>
    public static bool IsAtomChar(byte b) =>
        b is > 0x20 and < 0x7f && b is not ((byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)']');

    /// <summary>ASTRING-CHAR: ATOM-CHAR or ']'.</summary>
    public static bool IsAstringChar(byte b) => IsAtomChar(b) || b == ']';

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string Ascii(byte[] bytes) => Encoding.ASCII.GetString(bytes);
}
