using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using Vigil.Storage;
using Vigil.Storage.Blocks;
using Vigil.Storage.IO;

namespace Vigil.Audit.Engine;

/// <summary>
/// One sealed run of audit events (layout: docs/formats/audit-block.md): events sorted by (event time, sequence),
/// cut into chunks of about <see cref="AuditLogOptions.ChunkBytes"/> of JSON, each one Brotli stream. The manifest
/// holds <see cref="Info"/>, so opening the log touches no block; a block is read and verified (CRC over the whole
/// file) the first time a read needs one of its chunks, and keeps only its chunk table. Each chunk read opens the file
/// for one positioned read: no descriptor is held per block (90 days of 5-minute seals are 26,000 blocks), and one a
/// retention pass deleted meanwhile is a <see cref="FileNotFoundException"/> the read treats as expired.
/// Thread-safe.
/// </summary>
internal sealed class AuditBlock
{
    private const uint MetaSection = 0;
    private const uint FormatVersion = 1;
    private const int ChunkHeaderBytes = 4;
    private const int BrotliWindow = 22; // 4 MiB: a whole chunk, so any repeat in it can be referenced

    private readonly string _path;
    private readonly Lock _openLock = new();
    private volatile AuditChunkInfo[]? _chunks;

    public AuditBlock(string directory, AuditBlockInfo info)
    {
        Info = info;
        _path = Path.Combine(directory, info.FileName);
    }

    public AuditBlockInfo Info { get; }

    /// <summary>The block's chunks (opens and verifies the block on first use).</summary>
    public IReadOnlyList<AuditChunkInfo> Chunks => Open();

    /// <summary>Writes <paramref name="sorted"/> (ordered by position, not empty) as a block and publishes it under <paramref name="fileName"/>.</summary>
    public static AuditBlockInfo Write(string directory, string fileName, ReadOnlySpan<AuditRecord> sorted, int chunkBytes, int quality, SyncMode sync)
    {
        using var writer = new BlockWriter(directory, fileName, sync);
        var chunks = new List<AuditChunkInfo>();
        long firstSeq = long.MaxValue, lastSeq = long.MinValue;
        for (var start = 0; start < sorted.Length;)
        {
            var end = start;
            long bytes = 0;
            while (end < sorted.Length && (end == start || bytes < chunkBytes))
            {
                bytes += sorted[end].Json.Length;
                firstSeq = Math.Min(firstSeq, sorted[end].Sequence);
                lastSeq = Math.Max(lastSeq, sorted[end].Sequence);
                end++;
            }

            var chunk = sorted[start..end];
            // Both buffers are pooled: at ~40 k audited calls/s a fresh megabyte or two per chunk was a steady stream
            // of large-object allocations, each few a full collection.
            var raw = EncodeChunk(chunk, out var rawLength);
            var compressed = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(rawLength));
            try
            {
                if (!BrotliEncoder.TryCompress(raw.AsSpan(0, rawLength), compressed, out var written, quality, BrotliWindow))
                {
                    throw new InvalidOperationException("Brotli could not compress an audit chunk into its maximum size.");
                }

                writer.AddSection((uint)(chunks.Count + 1), compressed.AsSpan(0, written)); // written to the file here
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(raw);
                ArrayPool<byte>.Shared.Return(compressed);
            }

            chunks.Add(new AuditChunkInfo(chunk.Length, chunk[0].EventTimeMillis, chunk[^1].EventTimeMillis, rawLength, 0, 0));
            start = end;
        }

        var info = new AuditBlockInfo(fileName, sorted.Length, sorted[0].EventTimeMillis, sorted[^1].EventTimeMillis, firstSeq, lastSeq);
        writer.AddSection(MetaSection, EncodeMeta(info, chunks));
        writer.Commit();
        return info;
    }

    /// <summary>Reads and decodes one chunk: its records in position order, their JSON in one new buffer.</summary>
    public AuditRecord[] ReadChunk(AuditChunkInfo chunk)
    {
        Open();
        // The compressed bytes are only read through, so they come from the pool; the records point into raw.
        var rented = ArrayPool<byte>.Shared.Rent(chunk.Length);
        try
        {
            var compressed = rented.AsSpan(0, chunk.Length);
            using (var file = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete))
            {
                if (RandomAccess.Read(file, compressed, chunk.Offset) != compressed.Length)
                {
                    throw Corrupt("is shorter than its chunk table says");
                }
            }

            var raw = new byte[chunk.RawLength];
            if (!BrotliDecoder.TryDecompress(compressed, raw, out var written) || written != raw.Length)
            {
                throw Corrupt($"has a chunk at offset {chunk.Offset} that does not decompress to {raw.Length} bytes");
            }

            return DecodeChunk(raw, chunk.Count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // Chunk: count u32 | count × time delta i64 | count × sequence delta i64 | count × JSON length u32 | JSON bytes.
    // Fixed-width deltas (the first from 0): Brotli turns their zero bytes into next to nothing.
    // The result is rented from the shared pool; its first rawLength bytes are the chunk.
    private static byte[] EncodeChunk(ReadOnlySpan<AuditRecord> records, out int rawLength)
    {
        long jsonBytes = 0;
        foreach (var r in records)
        {
            jsonBytes += r.Json.Length;
        }

        rawLength = checked(ChunkHeaderBytes + (records.Length * 20) + (int)jsonBytes);
        var raw = ArrayPool<byte>.Shared.Rent(rawLength);
        var span = raw.AsSpan(0, rawLength);
        BinaryPrimitives.WriteInt32LittleEndian(span, records.Length);
        int times = ChunkHeaderBytes, seqs = times + (records.Length * 8), lengths = seqs + (records.Length * 8), json = lengths + (records.Length * 4);
        long previousTime = 0, previousSeq = 0;
        for (var i = 0; i < records.Length; i++)
        {
            var r = records[i];
            BinaryPrimitives.WriteInt64LittleEndian(span[(times + (i * 8))..], r.EventTimeMillis - previousTime);
            BinaryPrimitives.WriteInt64LittleEndian(span[(seqs + (i * 8))..], r.Sequence - previousSeq);
            BinaryPrimitives.WriteInt32LittleEndian(span[(lengths + (i * 4))..], r.Json.Length);
            r.Json.Span.CopyTo(span[json..]);
            json += r.Json.Length;
            (previousTime, previousSeq) = (r.EventTimeMillis, r.Sequence);
        }

        return raw;
    }

    private AuditRecord[] DecodeChunk(byte[] raw, int expectedCount)
    {
        ReadOnlySpan<byte> span = raw;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span);
        if (count != expectedCount || count < 0 || (long)count * 20 > raw.Length - ChunkHeaderBytes)
        {
            throw Corrupt($"has a chunk of {count} events where its table says {expectedCount}");
        }

        var records = new AuditRecord[count];
        int times = ChunkHeaderBytes, seqs = times + (count * 8), lengths = seqs + (count * 8), json = lengths + (count * 4);
        long time = 0, seq = 0;
        for (var i = 0; i < count; i++)
        {
            time += BinaryPrimitives.ReadInt64LittleEndian(span[(times + (i * 8))..]);
            seq += BinaryPrimitives.ReadInt64LittleEndian(span[(seqs + (i * 8))..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[(lengths + (i * 4))..]);
            if (length < 0 || length > raw.Length - json)
            {
                throw Corrupt("has an event running past the end of its chunk");
            }

            records[i] = new AuditRecord(seq, time, raw.AsMemory(json, length));
            json += length;
        }

        return records;
    }

    // Meta: version u32 | count u64 | min time i64 | max time i64 | first seq i64 | last seq i64 | chunk count u32 |
    // per chunk: count u32, min time i64, max time i64, raw length u32 (the chunk is section index + 1).
    private static byte[] EncodeMeta(AuditBlockInfo info, List<AuditChunkInfo> chunks)
    {
        var meta = new byte[48 + (chunks.Count * 24)];
        var span = meta.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], info.Count);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], info.MinTime);
        BinaryPrimitives.WriteInt64LittleEndian(span[20..], info.MaxTime);
        BinaryPrimitives.WriteInt64LittleEndian(span[28..], info.FirstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[36..], info.LastSequence);
        BinaryPrimitives.WriteInt32LittleEndian(span[44..], chunks.Count);
        for (var k = 0; k < chunks.Count; k++)
        {
            var c = span[(48 + (k * 24))..];
            BinaryPrimitives.WriteInt32LittleEndian(c, chunks[k].Count);
            BinaryPrimitives.WriteInt64LittleEndian(c[4..], chunks[k].MinTime);
            BinaryPrimitives.WriteInt64LittleEndian(c[12..], chunks[k].MaxTime);
            BinaryPrimitives.WriteInt32LittleEndian(c[20..], chunks[k].RawLength);
        }

        return meta;
    }

    private AuditChunkInfo[] Open()
    {
        if (_chunks is { } chunks)
        {
            return chunks;
        }

        lock (_openLock)
        {
            return _chunks ??= OpenCore();
        }
    }

    private AuditChunkInfo[] OpenCore()
    {
        var reader = BlockReader.Open(_path);
        var meta = reader.GetSection(MetaSection);
        if (meta.Length < 48 || BinaryPrimitives.ReadUInt32LittleEndian(meta) != FormatVersion)
        {
            throw Corrupt("has an unknown format version");
        }

        var stored = new AuditBlockInfo(Info.FileName, BinaryPrimitives.ReadInt64LittleEndian(meta[4..]), BinaryPrimitives.ReadInt64LittleEndian(meta[12..]),
            BinaryPrimitives.ReadInt64LittleEndian(meta[20..]), BinaryPrimitives.ReadInt64LittleEndian(meta[28..]), BinaryPrimitives.ReadInt64LittleEndian(meta[36..]));
        if (stored != Info)
        {
            throw Corrupt($"says {stored} where the manifest says {Info}");
        }

        var chunkCount = BinaryPrimitives.ReadInt32LittleEndian(meta[44..]);
        if (chunkCount < 0 || meta.Length != 48 + ((long)chunkCount * 24))
        {
            throw Corrupt("has a chunk table of the wrong size");
        }

        var chunks = new AuditChunkInfo[chunkCount];
        for (var k = 0; k < chunks.Length; k++)
        {
            var c = meta[(48 + (k * 24))..];
            var section = FindSection(reader, (uint)(k + 1)) ?? throw Corrupt($"lacks chunk {k}");
            chunks[k] = new AuditChunkInfo(BinaryPrimitives.ReadInt32LittleEndian(c), BinaryPrimitives.ReadInt64LittleEndian(c[4..]),
                BinaryPrimitives.ReadInt64LittleEndian(c[12..]), BinaryPrimitives.ReadInt32LittleEndian(c[20..]), section.Offset, checked((int)section.Length));
        }

        return chunks;
    }

    private static BlockSection? FindSection(BlockReader reader, uint id)
    {
        foreach (var section in reader.Sections)
        {
            if (section.Id == id)
            {
                return section;
            }
        }

        return null;
    }

    private StorageFormatException Corrupt(string detail) => new(_path, StorageFormatError.InvalidLayout, $"audit block {detail}");
}

/// <summary>One chunk of a block: how many events, their time range, and where its bytes are.</summary>
internal readonly record struct AuditChunkInfo(int Count, long MinTime, long MaxTime, int RawLength, long Offset, int Length);

/// <summary>What the manifest records of a block: enough to prune it by time, and to know which sequences it holds.</summary>
internal readonly record struct AuditBlockInfo(string FileName, long Count, long MinTime, long MaxTime, long FirstSequence, long LastSequence)
{
    /// <summary>The manifest property value: "count min-time max-time first-sequence last-sequence".</summary>
    public string ToManifestValue() =>
        string.Create(CultureInfo.InvariantCulture, $"{Count} {MinTime} {MaxTime} {FirstSequence} {LastSequence}");

    public static AuditBlockInfo Parse(string fileName, string value)
    {
        var parts = value.Split(' ');
        if (parts.Length != 5)
        {
            throw new StorageFormatException(fileName, StorageFormatError.InvalidLayout, $"manifest entry '{value}' is not five numbers");
        }

        long N(int i) => long.Parse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return new AuditBlockInfo(fileName, N(0), N(1), N(2), N(3), N(4));
    }
}
