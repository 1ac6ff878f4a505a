namespace Vigil.Logs.Insights.Execution;

/// <summary>A growable run of characters read back as a span (a StringBuilder's chunks are not contiguous), so a
/// dictionary lookup by span needs no string. Not thread-safe; reused by its owner.</summary>
internal sealed class CharBuffer
{
    private char[] _chars = new char[256];

    public int Length { get; private set; }

    public ReadOnlySpan<char> Span => _chars.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Append(char c)
    {
        Reserve(1);
        _chars[Length++] = c;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        Reserve(text.Length);
        text.CopyTo(_chars.AsSpan(Length));
        Length += text.Length;
    }

    public override string ToString() => new(Span);

    private void Reserve(int more)
    {
        if (Length + more > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, Length + more));
        }
    }
}
