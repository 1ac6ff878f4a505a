using System.Buffers.Binary;
using System.Buffers;
using System.IO.Compression;
using Vigil.Storage;
using Vigil.Storage.Binary;

namespace Vigil.Logs.Engine.Encoding;

/// <summary>
/// A block chunk: a few MiB of one log group's events, stored column by column — timestamps, seqs and ingestion times
/// as zig-zag deltas, stream ids and message lengths as varints — and the messages back to back, as two Brotli
/// streams (layout: docs/formats/log-block.md).
/// </summary>
internal static class ChunkCodec
{
    private const int HeaderSize = 12;

    // Columns are small and regular: a slower, stronger setting saves bytes per line (~0.3 B on the bench's logs)...
    private const int ColumnQuality = 9;

    // ...but not at a fast quality (≤ 4, as checkpoints seal at 0): there quality 9 on the columns took a fifth of
    // ingest's CPU (10 M lines: 272 k → 343 k lines/s when they follow the text's quality). Recompression to the
    // default final quality (7) writes them at 9 again; a store configured to keep a fast quality keeps them fast.
    private const int FastQuality = 4;

    /// <summary>The chunk of <paramref name="events"/> in <paramref name="order"/>, as a fresh array (tests).</summary>
    public static byte[] Encode(IEventColumns events, ReadOnlySpan<int> order, int quality)
    {
        var output = new ArrayBufferWriter<byte>();
        Encode(events, order, quality, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Appends the chunk of <paramref name="events"/> in <paramref name="order"/> to <paramref name="output"/>. A seal
    /// passes one writer for all its chunks (reset between them) and the messages are gathered in a pooled buffer:
    /// fresh multi-MiB arrays per chunk were large-object garbage, and their first touch was page faults.
    /// </summary>
    public static void Encode(IEventColumns events, ReadOnlySpan<int> order, int quality, ArrayBufferWriter<byte> output)
    {
        var columns = new ArrayBufferWriter<byte>(16 * 1024);
        Varint.Write(columns, (ulong)order.Length);
        WriteDeltas(columns, order, events.Timestamp);
        WriteDeltas(columns, order, events.Seq);
        WriteDeltas(columns, order, events.IngestionTime);
        foreach (var i in order)
        {
            Varint.Write(columns, (ulong)events.Stream(i));
        }

        var messageBytes = 0;
        foreach (var i in order)
        {
            var length = events.Message(i).Length;
            Varint.Write(columns, (ulong)length);
            messageBytes += length;
        }

        var messages = ArrayPool<byte>.Shared.Rent(messageBytes);
        try
        {
            var at = 0;
            foreach (var i in order)
            {
                var m = events.Message(i);
                m.CopyTo(messages.AsSpan(at));
                at += m.Length;
            }

            // Two Brotli streams: the columns' binary statistics would only disturb the text's context model.
            var bound = HeaderSize + BrotliEncoder.GetMaxCompressedLength(columns.WrittenCount) + BrotliEncoder.GetMaxCompressedLength(messageBytes);
            var chunk = output.GetSpan(bound);
            var columnBytes = Compress(columns.WrittenSpan, chunk[HeaderSize..], quality <= FastQuality ? quality : ColumnQuality);
            var textBytes = Compress(messages.AsSpan(0, messageBytes), chunk[(HeaderSize + columnBytes)..], quality);
            BinaryPrimitives.WriteInt32LittleEndian(chunk, columns.WrittenCount);
            BinaryPrimitives.WriteInt32LittleEndian(chunk[4..], messageBytes);
            BinaryPrimitives.WriteInt32LittleEndian(chunk[8..], columnBytes);
            output.Advance(HeaderSize + columnBytes + textBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(messages);
        }
    }

    /// <summary>Decodes a chunk; with <paramref name="reuse"/>, into its arrays (grown as needed), so the result is
    /// valid only until the next decode into them: for a scan that reads each chunk once.</summary>
    public static DecodedChunk Decode(ReadOnlySpan<byte> stored, ChunkBuffers? reuse = null)
    {
        var b = reuse ?? new ChunkBuffers(); // fresh, so every array comes out exactly sized
        if (stored.Length < HeaderSize)
        {
            throw LogFormatError.Invalid("Log chunk shorter than its header.");
        }

        var columnLength = BinaryPrimitives.ReadInt32LittleEndian(stored);
        var messageLength = BinaryPrimitives.ReadInt32LittleEndian(stored[4..]);
        var columnStored = BinaryPrimitives.ReadInt32LittleEndian(stored[8..]);
        if (columnLength < 0 || messageLength < 0 || columnStored < 0 || columnStored > stored.Length - HeaderSize)
        {
            throw LogFormatError.Invalid("Log chunk header out of range.");
        }

        var columns = Decompress(stored.Slice(HeaderSize, columnStored), columnLength, ref b.Columns);
        var raw = Decompress(stored[(HeaderSize + columnStored)..], messageLength, ref b.Raw);
        var r = new VarintReader(columns.AsSpan(0, columnLength));
        var n = r.ReadInt32();
        if (n < 0 || n > columnLength)
        {
            throw LogFormatError.Invalid("Log chunk event count out of range.");
        }

        var timestamps = ReadDeltas(ref r, n, Grow(ref b.Timestamps, n));
        var seqs = ReadDeltas(ref r, n, Grow(ref b.Seqs, n));
        var ingestion = ReadDeltas(ref r, n, Grow(ref b.Ingestion, n));
        var streams = Grow(ref b.Streams, n);
        for (var i = 0; i < n; i++)
        {
            streams[i] = r.ReadInt32();
        }

        var offsets = Grow(ref b.Offsets, n + 1);
        offsets[0] = 0;
        for (var i = 0; i < n; i++)
        {
            offsets[i + 1] = checked(offsets[i] + r.ReadInt32());
        }

        if (offsets[n] != messageLength || !r.AtEnd)
        {
            throw LogFormatError.Invalid("Log chunk message bytes do not match their lengths.");
        }

        return new DecodedChunk(n, timestamps, seqs, ingestion, streams, offsets, raw, 0);
    }

    private static int Compress(ReadOnlySpan<byte> input, Span<byte> output, int quality) =>
        BrotliEncoder.TryCompress(input, output, out var written, quality, 22)
            ? written
            : throw new InvalidOperationException("Brotli could not compress a chunk into its worst-case bound.");

    /// <summary>The slot's array, replaced by a larger one when shorter than <paramref name="length"/>.</summary>
    private static T[] Grow<T>(ref T[] slot, int length)
    {
        if (slot.Length < length)
        {
            slot = new T[Math.Max(length, slot.Length + (slot.Length / 2))];
        }

        return slot;
    }

    private static byte[] Decompress(ReadOnlySpan<byte> stored, int length, ref byte[] slot)
    {
        var raw = Grow(ref slot, length);
        if (!BrotliDecoder.TryDecompress(stored, raw.AsSpan(0, length), out var produced) || produced != length)
        {
            throw LogFormatError.Invalid("Log chunk does not decompress to its recorded size.");
        }

        return raw;
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

    private static long[] ReadDeltas(ref VarintReader r, int n, long[] values)
    {
        long previous = 0;
        for (var i = 0; i < n; i++)
        {
            previous += r.ReadSigned();
            values[i] = previous;
        }

        return values;
    }
}

/// <summary>One chunk's events, decoded; immutable, so a cache may share it between queries — unless decoded into a
/// scan's <see cref="ChunkBuffers"/>, when it lasts until the next decode into them.</summary>
internal sealed class DecodedChunk(int count, long[] timestamps, long[] seqs, long[] ingestion, int[] streams, int[] offsets, byte[] raw, int messageStart) : IEventColumns
{
    public int Count => count;

    /// <summary>Set when the chunk cache holds this chunk: where queries keep what they derive from it.</summary>
    public LogSourceMemo? Memo { get; set; }

    /// <summary>Memory per event besides its message: three longs and two ints (offsets has one more).</summary>
    public const long BytesPerEvent = 32;

    public long ByteSize => raw.Length + (Count * BytesPerEvent);

    public long Timestamp(int i) => timestamps[i];

    public long Seq(int i) => seqs[i];

    public long IngestionTime(int i) => ingestion[i];

    public int Stream(int i) => streams[i];

    public ReadOnlySpan<byte> Message(int i) => raw.AsSpan(messageStart + offsets[i], offsets[i + 1] - offsets[i]);

    public ReadOnlyMemory<byte> MessageMemory(int i) => raw.AsMemory(messageStart + offsets[i], offsets[i + 1] - offsets[i]);

    /// <summary>
    /// The events whose message contains <paramref name="needle"/>, ascending: one search over the whole buffer, each
    /// hit mapped to its event (a hit spanning two messages is checked again by the caller's per-event test).
    /// </summary>
    public List<int> EventsContaining(ReadOnlySpan<byte> needle)
    {
        var hits = new List<int>();
        var all = raw.AsSpan(messageStart, offsets[Count]);
        var at = 0;
        while (at < all.Length)
        {
            var found = all[at..].IndexOf(needle);
            if (found < 0)
            {
                break;
            }

            var position = at + found;
            var index = Array.BinarySearch(offsets, 0, Count, position);
            var i = index >= 0 ? index : ~index - 1;
            // Events of zero length share their offset with the next one: the hit belongs to the last of them.
            while (i + 1 < Count && offsets[i + 1] <= position)
            {
                i++;
            }

            hits.Add(i);
            at = offsets[i + 1];
        }

        return hits;
    }
}

/// <summary>Arrays a scan worker decodes chunk after chunk into (<see cref="ChunkCodec.Decode"/>), instead of a few
/// MiB of fresh large-object-heap arrays per chunk. Not thread-safe; one per worker.</summary>
internal sealed class ChunkBuffers
{
#pragma warning disable SA1401, CA1051, SA1201 // Decode grows them in place through refs.
    public byte[] Columns = [];
    public byte[] Raw = [];
    public long[] Timestamps = [];
    public long[] Seqs = [];
    public long[] Ingestion = [];
    public int[] Streams = [];
    public int[] Offsets = [];
#pragma warning restore SA1401, CA1051, SA1201
}
