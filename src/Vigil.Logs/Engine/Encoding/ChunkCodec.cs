using System.Buffers;
using System.IO.Compression;
using Vigil.Storage;

namespace Vigil.Logs.Engine.Encoding;

/// <summary>
/// A block chunk: up to a few MiB of one log group's events, sorted by (timestamp, seq), stored column by column —
/// timestamps, seqs and ingestion times as zig-zag deltas, stream ids and message lengths as varints, then the
/// messages back to back — and the whole Brotli-compressed (layout: docs/formats/log-block.md).
/// </summary>
internal static class ChunkCodec
{
    public static byte[] Encode(IEventColumns events, ReadOnlySpan<int> order, int quality)
    {
        var raw = new ArrayBufferWriter<byte>(64 * 1024);
        Varint.Write(raw, (ulong)order.Length);
        WriteDeltas(raw, order, events.Timestamp);
        WriteDeltas(raw, order, events.Seq);
        WriteDeltas(raw, order, events.IngestionTime);
        foreach (var i in order)
        {
            Varint.Write(raw, (ulong)events.Stream(i));
        }

        foreach (var i in order)
        {
            Varint.Write(raw, (ulong)events.Message(i).Length);
        }

        foreach (var i in order)
        {
            var m = events.Message(i);
            m.CopyTo(raw.GetSpan(m.Length));
            raw.Advance(m.Length);
        }

        var input = raw.WrittenSpan;
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(input.Length) + 4];
        BitConverter.TryWriteBytes(output, input.Length);
        if (!BrotliEncoder.TryCompress(input, output.AsSpan(4), out var written, quality, 22))
        {
            throw new InvalidOperationException("Brotli could not compress a chunk into its worst-case bound.");
        }

        return output[..(written + 4)];
    }

    public static DecodedChunk Decode(ReadOnlySpan<byte> stored)
    {
        if (stored.Length < 4)
        {
            throw LogFormatError.Invalid("Log chunk shorter than its header.");
        }

        var rawLength = BitConverter.ToInt32(stored);
        var raw = new byte[rawLength];
        if (rawLength < 0 || !BrotliDecoder.TryDecompress(stored[4..], raw, out var produced) || produced != rawLength)
        {
            throw LogFormatError.Invalid("Log chunk does not decompress to its recorded size.");
        }

        var r = new VarintReader(raw);
        var n = r.ReadInt32();
        var timestamps = ReadDeltas(ref r, n);
        var seqs = ReadDeltas(ref r, n);
        var ingestion = ReadDeltas(ref r, n);
        var streams = new int[n];
        for (var i = 0; i < n; i++)
        {
            streams[i] = r.ReadInt32();
        }

        var offsets = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            offsets[i + 1] = checked(offsets[i] + r.ReadInt32());
        }

        var start = r.Position;
        if (raw.Length - start != offsets[n])
        {
            throw LogFormatError.Invalid("Log chunk message bytes do not match their lengths.");
        }

        return new DecodedChunk(timestamps, seqs, ingestion, streams, offsets, raw, start);
    }

    private static void WriteDeltas(ArrayBufferWriter<byte> output, ReadOnlySpan<int> order, Func<int, long> column)
    {
        long previous = 0;
        foreach (var i in order)
        {
            var v = column(i);
            Varint.WriteSigned(output, v - previous);
            previous = v;
        }
    }

    private static long[] ReadDeltas(ref VarintReader r, int n)
    {
        var values = new long[n];
        long previous = 0;
        for (var i = 0; i < n; i++)
        {
            previous += r.ReadSigned();
            values[i] = previous;
        }

        return values;
    }
}

/// <summary>One chunk's events, decoded; immutable, so a cache may share it between queries.</summary>
internal sealed class DecodedChunk(long[] timestamps, long[] seqs, long[] ingestion, int[] streams, int[] offsets, byte[] raw, int messageStart) : IEventColumns
{
    public int Count => timestamps.Length;

    public long ByteSize => raw.Length + (Count * 36L);

    public long Timestamp(int i) => timestamps[i];

    public long Seq(int i) => seqs[i];

    public long IngestionTime(int i) => ingestion[i];

    public int Stream(int i) => streams[i];

    public ReadOnlySpan<byte> Message(int i) => raw.AsSpan(messageStart + offsets[i], offsets[i + 1] - offsets[i]);
}
