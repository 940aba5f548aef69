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

    /// <summary>Python's <c>len(t)</c>, as <see cref="ReadOnlyCollection{T}.Count"/>.</summary>
    public int Length => Count;

    /// <summary>Python's <c>repr(tuple)</c>; a one-element tuple keeps its trailing comma.</summary>
    public override string ToString() => PyRepr.repr(this);
}

/// <summary>Marks the sequences <see cref="PyRepr.repr"/> shows as a tuple.</summary>
internal interface IPyTuple : System.Collections.IEnumerable;
