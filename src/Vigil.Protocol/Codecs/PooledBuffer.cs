using System.Buffers;

namespace Vigil.Protocol.Codecs;

/// <summary>A contiguous <see cref="IBufferWriter{T}"/> over arrays from the shared pool; <see cref="Dispose"/> returns them.</summary>
public sealed class PooledBuffer(int initialCapacity = 4096) : IBufferWriter<byte>, IDisposable
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    private int _used;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _used);

    public void Advance(int count)
    {
        if (count < 0 || _used + count > _array.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Advanced past the buffer that was handed out.");
        }
        _used += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsMemory(_used);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsSpan(_used);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        _used = 0;
    }

    private void Reserve(int sizeHint)
    {
        var need = Math.Max(sizeHint, 1);
        if (_array.Length - _used >= need)
        {
            return;
        }
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _used + need));
        _array.AsSpan(0, _used).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}
