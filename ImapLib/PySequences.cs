using System.Collections.ObjectModel;

namespace ImapLib;

/// <summary>
/// A <see cref="List{T}"/> that prints as Python prints a list: <c>[b'1', b'2']</c>. What <c>split()</c> gives, so
/// that <c>Console.WriteLine(nums)</c> prints what Python's <c>print(nums)</c> prints.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class PyList<T> : List<T>
{
    /// <summary>An empty list.</summary>
    public PyList()
    {
    }

    /// <summary>A list of <paramref name="items"/>.</summary>
    public PyList(IEnumerable<T> items) : base(items)
    {
    }

    /// <summary>Python's <c>list[i]</c>: a negative index counts from the end (<c>ids[-1]</c> is the last item).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range (Python's IndexError).</exception>
    public new T this[int index]
    {
        get => base[PyIndex.Of(index, Count)];
        set => base[PyIndex.Of(index, Count)] = value;
    }

    /// <summary>Python's slice <c>list[a:b]</c> as a range (<c>ids[^5..]</c> for <c>ids[-5:]</c>, <c>ids[..5]</c> for
    /// <c>ids[:5]</c>): a new list, cut down to the list as Python's is, never out of range.</summary>
    public PyList<T> this[Range range]
    {
        get
        {
            var (start, length) = PyIndex.Slice(range, Count);
            return new PyList<T>(GetRange(start, length));
        }
    }

    /// <summary>Python's <c>repr(list)</c>.</summary>
    public override string ToString() => PyRepr.repr(this);
}

/// <summary>
/// A read-only sequence that prints as Python prints a tuple: <c>(b'\\Seen',)</c>. What
/// <see cref="imaplib.ParseFlags"/> gives, as Python's <c>ParseFlags</c> gives a tuple.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class PyTuple<T> : ReadOnlyCollection<T>, IPyTuple
{
    /// <summary>A tuple of <paramref name="items"/> (copied).</summary>
    public PyTuple(IEnumerable<T> items) : base([.. items])
    {
    }

    /// <summary>Python's <c>t[i]</c>: a negative index counts from the end.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range (Python's IndexError).</exception>
    public new T this[int index] => base[PyIndex.Of(index, Count)];

    /// <summary>Python's <c>len(t)</c>, as <see cref="ReadOnlyCollection{T}.Count"/>.</summary>
    public int Length => Count;

    /// <summary>Python's <c>repr(tuple)</c>; a one-element tuple keeps its trailing comma.</summary>
    public override string ToString() => PyRepr.repr(this);
}

/// <summary>Marks the sequences <see cref="PyRepr.repr"/> shows as a tuple.</summary>
internal interface IPyTuple : System.Collections.IEnumerable;

/// <summary>Python's index and slice rules for the library's sequences: a negative index counts from the end, and a
/// slice is cut down to the sequence (<c>ids[-5:]</c> of three items is all three; an empty slice is empty).</summary>
internal static class PyIndex
{
    /// <summary>The position of Python's index <paramref name="index"/> in a sequence of <paramref name="count"/> items;
    /// one still out of range is left for the sequence to refuse.</summary>
    public static int Of(int index, int count) => index < 0 ? index + count : index;

    /// <summary>The start and length of the slice <paramref name="range"/> of <paramref name="count"/> items, clamped
    /// as Python clamps a slice (never out of range).</summary>
    public static (int Start, int Length) Slice(Range range, int count)
    {
        int start = Clamp(range.Start, count), end = Clamp(range.End, count);
        return (start, Math.Max(0, end - start));
    }

    private static int Clamp(Index index, int count) => Math.Clamp(index.IsFromEnd ? count - index.Value : index.Value, 0, count);
}
