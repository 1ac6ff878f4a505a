using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Vigil.Logs.Engine.Encoding;
using Vigil.Storage;
using Vigil.Storage.Blocks;
using Vigil.Storage.Binary;
using Vigil.Storage.IO;

namespace Vigil.Logs.Engine;

/// <summary>
/// One log group's events from one checkpoint, sealed (layout: docs/formats/log-block.md). Opening verifies the whole
/// file and keeps its chunk table, Bloom filters and field list; chunks are then read with positioned reads.
/// </summary>
internal sealed class LogBlock : IDisposable
{
    private const uint MetaSection = 0;
    private const int FormatVersion = 1;

    private readonly SafeFileHandle _file;

    private LogBlock(string fileName, SafeFileHandle file, long size, int groupId, long count, long minTs, long maxTs, ChunkInfo[] chunks, string[] fields, int quality)
    {
        FileName = fileName;
        Quality = quality;
        _file = file;
        SizeBytes = size;
        GroupId = groupId;
        Count = count;
        MinTimestamp = minTs;
        MaxTimestamp = maxTs;
        Chunks = chunks;
        Fields = fields;
    }

    public string FileName { get; }
    public long SizeBytes { get; }
    public int GroupId { get; }
    public long Count { get; }
    public long MinTimestamp { get; }
    public long MaxTimestamp { get; }
    public IReadOnlyList<ChunkInfo> Chunks { get; }
    public IReadOnlyList<string> Fields { get; }

    /// <summary>The Brotli quality its messages were compressed at; -1 when the block does not say (written before it did).</summary>
    public int Quality { get; }

    /// <summary>When this process opened the block (Environment.TickCount64): the age that background recompression waits for.</summary>
    public long OpenedAt { get; } = Environment.TickCount64;

    /// <summary>
    /// Writes the events of <paramref name="view"/> whose streams are still live as a block; null when none are.
    /// Events are cut into chunks in (timestamp, seq) order, so chunks cover consecutive time ranges.
    /// </summary>
    public static string? Write(string directory, string fileName, HeadView view, Func<int, bool> liveStream, LogStoreOptions options, int quality)
    {
        var order = new List<int>(view.Count);
        for (var i = 0; i < view.Count; i++)
        {
            if (liveStream(view.Stream(i)))
            {
                order.Add(i);
            }
        }

        if (order.Count == 0)
        {
            return null;
        }

        // Sorted by key arrays, not a comparison delegate over the view: the delegate's calls were a tenth of ingest.
        var indices = order.ToArray();
        SealOrder.ByPosition(view, indices);
        var meta = new ArrayBufferWriter<byte>();
        var fields = new FieldNameCollector();
        using var writer = new BlockWriter(directory, fileName, options.Sync);
        var chunkMeta = new ArrayBufferWriter<byte>();
        var encoded = new ArrayBufferWriter<byte>();
        var chunks = 0;
        for (var start = 0; start < indices.Length;)
        {
            long bytes = 0;
            var end = start;
            while (end < indices.Length && (end == start || bytes < options.ChunkBytes))
            {
                var message = view.Message(indices[end]);
                bytes += message.Length;
                fields.Add(message);
                end++;
            }

            // Within a chunk the order is free (reads sort by position): JSON events before text, then by stream and
            // arrival, puts alike messages together and makes the seq and ingestion-time deltas tiny.
            var slice = indices.AsSpan(start, end - start);
            SealOrder.InChunk(view, slice);
            var (lo, hi) = (long.MaxValue, long.MinValue);
            foreach (var i in slice)
            {
                lo = Math.Min(lo, view.Timestamp(i));
                hi = Math.Max(hi, view.Timestamp(i));
            }

            var bloom = TrigramBloom.Build(new Reordered(view, indices), start, end - start);
            encoded.ResetWrittenCount();
            ChunkCodec.Encode(view, slice, quality, encoded);
            writer.AddSection((uint)(chunks + 1), encoded.WrittenSpan);
            WriteChunkMeta(chunkMeta, slice.Length, lo, hi, bytes, bloom);
            chunks++;
            start = end;
        }

        WriteMeta(meta, view.GroupId, indices.Length, view.Timestamp(indices[0]), view.Timestamp(indices[^1]), chunks, chunkMeta, fields.Names, quality);
        writer.AddSection(MetaSection, meta.WrittenSpan);
        return writer.Commit();
    }

    /// <summary>
    /// Writes <paramref name="source"/> again with its messages compressed at <paramref name="quality"/>: the same
    /// chunks, events, order, Bloom filters and fields (a checkpoint seals fast; this makes the block small later).
    /// </summary>
    public static string Recompress(LogBlock source, string directory, string fileName, int quality, SyncMode sync)
    {
        using var writer = new BlockWriter(directory, fileName, sync);
        var chunkMeta = new ArrayBufferWriter<byte>();
        var encoded = new ArrayBufferWriter<byte>();
        foreach (var chunk in source.Chunks)
        {
            var events = source.ReadChunk(chunk);
            var order = new int[events.Count];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            encoded.ResetWrittenCount();
            ChunkCodec.Encode(events, order, quality, encoded);
            writer.AddSection((uint)(chunk.Index + 1), encoded.WrittenSpan);
            WriteChunkMeta(chunkMeta, chunk.Count, chunk.MinTimestamp, chunk.MaxTimestamp, chunk.MessageBytes, chunk.Bloom);
        }

        var meta = new ArrayBufferWriter<byte>();
        WriteMeta(meta, source.GroupId, source.Count, source.MinTimestamp, source.MaxTimestamp, source.Chunks.Count, chunkMeta, source.Fields, quality);
        writer.AddSection(MetaSection, meta.WrittenSpan);
        return writer.Commit();
    }

    private static void WriteChunkMeta(ArrayBufferWriter<byte> chunkMeta, int count, long minTimestamp, long maxTimestamp, long messageBytes, TrigramBloom bloom)
    {
        Varint.Write(chunkMeta, (ulong)count);
        Varint.WriteSigned(chunkMeta, minTimestamp);
        Varint.WriteSigned(chunkMeta, maxTimestamp);
        Varint.Write(chunkMeta, (ulong)messageBytes);
        Varint.Write(chunkMeta, (ulong)bloom.ByteSize);
        bloom.WriteTo(chunkMeta.GetSpan(bloom.ByteSize));
        chunkMeta.Advance(bloom.ByteSize);
    }

    private static void WriteMeta(ArrayBufferWriter<byte> meta, int groupId, long count, long minTimestamp, long maxTimestamp, int chunks,
        ArrayBufferWriter<byte> chunkMeta, IEnumerable<string> fields, int quality)
    {
        Varint.Write(meta, FormatVersion);
        Varint.Write(meta, (ulong)groupId);
        Varint.Write(meta, (ulong)count);
        Varint.WriteSigned(meta, minTimestamp);
        Varint.WriteSigned(meta, maxTimestamp);
        Varint.Write(meta, (ulong)chunks);
        meta.Write(chunkMeta.WrittenSpan);
        var names = fields.Order(StringComparer.Ordinal).ToList();
        Varint.Write(meta, (ulong)names.Count);
        foreach (var f in names)
        {
            Varint.WriteString(meta, f);
        }

        Varint.Write(meta, (ulong)quality);
    }

    public static LogBlock Open(string path)
    {
        var reader = BlockReader.Open(path);
        var r = new VarintReader(reader.GetSection(MetaSection));
        if (r.ReadInt32() != FormatVersion)
        {
            throw LogFormatError.Invalid($"Log block '{path}' has an unknown format version.", path);
        }

        var groupId = r.ReadInt32();
        var count = (long)r.Read();
        var minTs = r.ReadSigned();
        var maxTs = r.ReadSigned();
        var chunks = new ChunkInfo[r.ReadInt32()];
        var sections = reader.Sections.ToDictionary(s => s.Id);
        for (var k = 0; k < chunks.Length; k++)
        {
            var n = r.ReadInt32();
            var lo = r.ReadSigned();
            var hi = r.ReadSigned();
            var bytes = (long)r.Read();
            var bloom = TrigramBloom.Read(r.ReadBytes(r.ReadInt32()));
            var section = sections.TryGetValue((uint)(k + 1), out var s) ? s : throw LogFormatError.Invalid($"Log block '{path}' lacks chunk {k}.", path);
            chunks[k] = new ChunkInfo(k, n, lo, hi, bytes, section.Offset, section.Length, bloom);
        }

        var fields = new string[r.ReadInt32()];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = r.ReadRequiredString();
        }

        var quality = r.AtEnd ? -1 : r.ReadInt32();

        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        return new LogBlock(Path.GetFileName(path), file, RandomAccess.GetLength(file), groupId, count, minTs, maxTs, chunks, fields, quality);
    }

    /// <summary>Reads and decodes one chunk (verified at open; a later read error is an I/O error); with
    /// <paramref name="reuse"/>, into those arrays (see <see cref="ChunkCodec.Decode"/>).</summary>
    public DecodedChunk ReadChunk(ChunkInfo chunk, ChunkBuffers? reuse = null)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)chunk.Length);
        try
        {
            var read = RandomAccess.Read(_file, buffer.AsSpan(0, (int)chunk.Length), chunk.Offset);
            if (read != chunk.Length)
            {
                throw LogFormatError.Invalid($"Log block '{FileName}' is shorter than its chunk table says.");
            }

            return ChunkCodec.Decode(buffer.AsSpan(0, read), reuse);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _file.Dispose();

    internal static bool IsJson(ReadOnlySpan<byte> message) => !message.IsEmpty && message[0] == (byte)'{';

    /// <summary>The head's events in block order, so the Bloom filter sees exactly a chunk's messages.</summary>
    private sealed class Reordered(HeadView view, int[] order) : IEventColumns
    {
        public int Count => order.Length;

        public long Timestamp(int i) => view.Timestamp(order[i]);

        public long Seq(int i) => view.Seq(order[i]);

        public long IngestionTime(int i) => view.IngestionTime(order[i]);

        public int Stream(int i) => view.Stream(order[i]);

        public ReadOnlySpan<byte> Message(int i) => view.Message(order[i]);

        public ReadOnlyMemory<byte> MessageMemory(int i) => view.MessageMemory(order[i]);
    }
}

/// <summary>The order inside a chunk: JSON events first, then by stream, then by arrival (seq).</summary>
internal readonly record struct ChunkOrder(int Kind, int Stream, long Seq) : IComparable<ChunkOrder>
{
    public int CompareTo(ChunkOrder other)
    {
        var c = Kind.CompareTo(other.Kind);
        c = c != 0 ? c : Stream.CompareTo(other.Stream);
        return c != 0 ? c : Seq.CompareTo(other.Seq);
    }
}

/// <summary>One chunk of a block: where it is, what time it covers, and which trigrams its messages hold.</summary>
internal sealed record ChunkInfo(int Index, int Count, long MinTimestamp, long MaxTimestamp, long MessageBytes, long Offset, long Length, TrigramBloom Bloom);
