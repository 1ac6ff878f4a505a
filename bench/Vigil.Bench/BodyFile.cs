using System.Buffers;

namespace Vigil.Bench;

/// <summary>
/// Reads a gen.py awsbatch file: one PutMetricData JSON body per line. Lines are handed out as spans of one large
/// buffer, valid until the next read, so streaming a 17 GB file costs no allocation per body.
/// </summary>
internal sealed class BodyFile : IDisposable
{
    /// <summary>CloudWatch refuses namespaces under "AWS/" from clients; the data moves to "Bench/…" (AWS/EC2 → Bench/EC2).</summary>
    public const string ReservedPrefix = "AWS/";
    public const string BenchPrefix = "Bench/";

    private readonly FileStream _file;
    private byte[] _buffer = new byte[8 << 20];
    private int _start;
    private int _end;
    private bool _eof;

    public BodyFile(string path)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        Length = _file.Length;
    }

    public long Length { get; }

    public bool TryRead(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var nl = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = _buffer.AsSpan(_start, nl);
                _start += nl + 1;
                if (line.IsEmpty)
                {
                    continue;
                }
                return true;
            }
            if (_eof)
            {
                line = _buffer.AsSpan(_start, _end - _start);
                _start = _end;
                return !line.IsEmpty;
            }
            Fill();
        }
    }

    private void Fill()
    {
        var pending = _end - _start;
        if (pending == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        }
        _start = 0;
        _end = pending;
        var n = _file.Read(_buffer, _end, _buffer.Length - _end);
        _end += n;
        _eof = n == 0;
    }

    /// <summary>The body with a reserved "AWS/" namespace moved under "Bench/"; other bodies are copied as they are.</summary>
    public static byte[] RewriteNamespace(ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> key = "\"Namespace\":\"AWS/"u8;
        var at = body.IndexOf(key);
        if (at < 0)
        {
            return body.ToArray();
        }
        var nsAt = at + key.Length - ReservedPrefix.Length;
        var copy = new byte[body.Length - ReservedPrefix.Length + BenchPrefix.Length];
        body[..nsAt].CopyTo(copy);
        "Bench/"u8.CopyTo(copy.AsSpan(nsAt));
        body[(nsAt + ReservedPrefix.Length)..].CopyTo(copy.AsSpan(nsAt + BenchPrefix.Length));
        return copy;
    }

    /// <summary>A namespace as the benchmark stores it.</summary>
    public static string MapNamespace(string ns) =>
        ns.StartsWith(ReservedPrefix, StringComparison.Ordinal) ? BenchPrefix + ns[ReservedPrefix.Length..] : ns;

    /// <summary>Copies a line into a pooled array (the caller returns it to <see cref="ArrayPool{T}.Shared"/>).</summary>
    public static (byte[] Array, int Length) Rent(ReadOnlySpan<byte> line)
    {
        var array = ArrayPool<byte>.Shared.Rent(line.Length);
        line.CopyTo(array);
        return (array, line.Length);
    }

    public void Dispose() => _file.Dispose();
}
