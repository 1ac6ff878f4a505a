using System.Buffers;

namespace Vigil.Protocol.Codecs;

/// <summary>An HTTP request as the codecs see it: independent of ASP.NET so tests can drive codecs directly.</summary>
public sealed record WireRequest
{
    public required string Method { get; init; }
    /// <summary>The path as sent, still percent-encoded.</summary>
    public required string Path { get; init; }
    /// <summary>The raw query string without the leading '?'.</summary>
    public string Query { get; init; } = "";
    /// <summary>Case-insensitive header lookup; null when the header is absent.</summary>
    public required Func<string, string?> Header { get; init; }
    /// <summary>restJson1 path labels ({Name} → value) found when the request was routed; the codec reads uri members from here.</summary>
    public IReadOnlyDictionary<string, string>? PathLabels { get; init; }
    /// <summary>The body after any Content-Encoding was undone.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }
}

/// <summary>
/// A response being encoded: status, headers and a body buffer. Not thread-safe; one per request.
/// </summary>
/// <remarks>
/// The body is a chain of pooled segments (4 KiB first, doubling to 1 MiB), not one array grown by copying: a
/// GetMetricData answer runs to megabytes, and a growing array copied it over and over and left large-object-heap
/// garbage behind. <see cref="WriteToAsync"/> sends the segments; <see cref="Dispose"/> returns them to the pool.
/// </remarks>
public sealed class WireResponse : IBufferWriter<byte>, IDisposable
{
    private const int FirstSegment = 4096;
    private const int LargestSegment = 1 << 20;

    private readonly List<KeyValuePair<string, string>> _headers = new(4);
    private readonly List<(byte[] Array, int Length)> _full = [];
    private byte[]? _current;
    private int _used;
    private long _fullBytes;
    private int _nextSegment = FirstSegment;

    public int Status { get; set; } = 200;
    public string ContentType { get; set; } = "application/json";
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>Bytes written to the body so far.</summary>
    public long Length => _fullBytes + _used;

    /// <summary>The whole body as one block (copied when it spans several segments; for tests and small bodies).</summary>
    public ReadOnlyMemory<byte> Body
    {
        get
        {
            if (_full.Count == 0)
            {
                return _current is null ? ReadOnlyMemory<byte>.Empty : _current.AsMemory(0, _used);
            }
            var all = new ArrayBufferWriter<byte>((int)Length);
            CopyTo(all);
            return all.WrittenMemory;
        }
    }

    public void AddHeader(string name, string value) => _headers.Add(new(name, value));

    /// <summary>Drops whatever was written, for when encoding the success body fails half-way.</summary>
    public void Reset()
    {
        ReturnSegments();
        _headers.Clear();
        Status = 200;
    }

    public void Advance(int count)
    {
        if (count < 0 || _used + count > (_current?.Length ?? 0))
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Advanced past the buffer that was handed out.");
        }
        _used += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current.AsMemory(_used);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current.AsSpan(_used);
    }

    /// <summary>Writes the body to <paramref name="destination"/>, segment by segment.</summary>
    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        foreach (var (array, length) in _full)
        {
            await destination.WriteAsync(array.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        if (_used > 0)
        {
            await destination.WriteAsync(_current.AsMemory(0, _used), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Moves <paramref name="other"/>'s body to the end of this one without copying it: its segments become ours and
    /// it is left empty. What this body had of its current segment stays as it is; writing goes on in a new one.
    /// </summary>
    public void Append(WireResponse other)
    {
        if (ReferenceEquals(other, this))
        {
            throw new ArgumentException("A body cannot be appended to itself.", nameof(other));
        }
        Retire();
        other.Retire();
        foreach (var segment in other._full)
        {
            _full.Add(segment);
            _fullBytes += segment.Length;
        }
        other._full.Clear();
        other._fullBytes = 0;
    }

    /// <summary>Copies the body into <paramref name="destination"/>.</summary>
    public void CopyTo(IBufferWriter<byte> destination)
    {
        foreach (var (array, length) in _full)
        {
            destination.Write(array.AsSpan(0, length));
        }
        destination.Write(_current.AsSpan(0, _used));
    }

    /// <summary>Returns the body's segments to the pool; the response is empty afterwards.</summary>
    public void Dispose() => ReturnSegments();

    /// <summary>Ends the current segment: kept in the body if anything was written to it, else returned.</summary>
    private void Retire()
    {
        if (_current is null)
        {
            return;
        }
        _nextSegment = Math.Min(LargestSegment, _current.Length * 2);
        if (_used > 0)
        {
            _full.Add((_current, _used));
            _fullBytes += _used;
        }
        else
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_current);
        }
        _current = null;
        _used = 0;
    }

    private void Reserve(int sizeHint)
    {
        var need = Math.Max(sizeHint, 1);
        if (_current is not null && _current.Length - _used >= need)
        {
            return;
        }
        Retire();
        _current = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(_nextSegment, need));
    }

    private void ReturnSegments()
    {
        foreach (var (array, _) in _full)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
        }
        _full.Clear();
        _fullBytes = 0;
        if (_current is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_current);
            _current = null;
        }
        _used = 0;
    }
}
