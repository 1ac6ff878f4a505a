using System.Buffers.Binary;
using System.Buffers;
using Vigil.Metrics.Engine.Encoding;
using Vigil.Storage.Binary;
using Vigil.Storage.Blocks;
using Vigil.Storage.IO;

namespace Vigil.Metrics.Engine;

/// <summary>
/// One immutable block of raw datapoints: every series' chunk for one day-window, as sealed at one checkpoint
/// (format: docs/formats/metric-block.md). Several blocks may cover the same window (each checkpoint seals what
/// arrived since the previous one); queries merge them. The series index is held in memory as sorted arrays so
/// finding a series is a binary search; chunk bytes stay on disk (the page cache) and are read per query with one
/// positioned read, so resident memory does not grow with the data kept. The whole file is verified (CRC) at open.
/// </summary>
public sealed class MetricBlock
{
    private const uint HeaderSection = 1;
    private const uint IndexSection = 2;
    private const uint ChunkSection = 3;
    private const int FormatVersion = 1;

    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _file;
    private readonly long _chunkOffset;
    private readonly long _size;

    [ThreadStatic]
    private static byte[]? t_chunk;
    private readonly int[] _seriesIds;
    private readonly int[] _offsets; // chunk i is [_offsets[i], _offsets[i+1])
    private readonly long[] _minTs;
    private readonly long[] _maxTs;

    private MetricBlock(string fileName, Microsoft.Win32.SafeHandles.SafeFileHandle file, long chunkOffset, long size, long windowStart, long minTime, long maxTime, int[] ids, int[] offsets, long[] minTs, long[] maxTs)
    {
        FileName = fileName;
        _file = file;
        _chunkOffset = chunkOffset;
        _size = size;
        WindowStart = windowStart;
        MinTime = minTime;
        MaxTime = maxTime;
        _seriesIds = ids;
        _offsets = offsets;
        _minTs = minTs;
        _maxTs = maxTs;
    }

    public string FileName { get; }
    public long WindowStart { get; }
    public long MinTime { get; }
    public long MaxTime { get; }
    public int SeriesCount => _seriesIds.Length;
    public IReadOnlyList<int> SeriesIds => _seriesIds;
    public long SizeBytes => _size;

    /// <summary>Appends the datapoints of <paramref name="seriesId"/> in [start, end) to <paramref name="into"/>; false when absent.</summary>
    public bool Read(int seriesId, long start, long end, SampleBuffer into, SampleBuffer scratch)
    {
        var i = Array.BinarySearch(_seriesIds, seriesId);
        if (i < 0 || _maxTs[i] < start || _minTs[i] >= end)
        {
            return false;
        }
        var length = _offsets[i + 1] - _offsets[i];
        var buffer = t_chunk is { } b && b.Length >= length ? b : t_chunk = new byte[Math.Max(length, 64 * 1024)];
        var read = RandomAccess.Read(_file, buffer.AsSpan(0, length), _chunkOffset + _offsets[i]);
        if (read != length)
        {
            throw new InvalidDataException($"Metric block '{FileName}' is shorter than its index says.");
        }
        var chunk = buffer.AsSpan(0, length);
        if (_minTs[i] >= start && _maxTs[i] < end)
        {
            ChunkCodec.Decode(chunk, WindowStart, into);
            return true;
        }
        scratch.Clear();
        ChunkCodec.Decode(chunk, WindowStart, scratch);
        into.AppendRange(scratch, start, end);
        return true;
    }

    /// <summary>Writes a block for <paramref name="series"/> (ids ascending, samples sorted by time) and returns it opened.</summary>
    /// <remarks>Series are encoded as they are enumerated, so a caller may reuse one buffer for all of them.</remarks>
    public static MetricBlock Write(string directory, string fileName, long windowStart, IEnumerable<(int Id, SampleBuffer Samples)> series, SyncMode sync)
    {
        var chunks = new ArrayBufferWriter<byte>(1 << 20);
        var entries = new ArrayBufferWriter<byte>(1 << 16);
        var count = 0;
        long minTime = long.MaxValue, maxTime = long.MinValue;
        var previousId = -1;
        foreach (var (id, samples) in series)
        {
            if (id <= previousId)
            {
                throw new ArgumentException("Series must be in ascending id order.", nameof(series));
            }
            var (lo, hi) = samples.TimeRange();
            minTime = Math.Min(minTime, lo);
            maxTime = Math.Max(maxTime, hi);
            var before = chunks.WrittenCount;
            ChunkCodec.Encode(samples, windowStart, chunks);
            Varint.Write(entries, (ulong)(id - previousId));
            Varint.Write(entries, (ulong)(chunks.WrittenCount - before));
            Varint.Write(entries, Varint.ZigZag(lo - windowStart));
            Varint.Write(entries, (ulong)(hi - lo));
            previousId = id;
            count++;
        }
        var index = new ArrayBufferWriter<byte>(entries.WrittenCount + 10);
        Varint.Write(index, (ulong)count);
        index.Write(entries.WrittenSpan);
        Span<byte> header = stackalloc byte[28];
        BinaryPrimitives.WriteInt32LittleEndian(header, FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[4..], windowStart);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], minTime);
        BinaryPrimitives.WriteInt64LittleEndian(header[20..], maxTime);
        using (var writer = new BlockWriter(directory, fileName, sync))
        {
            writer.AddSection(HeaderSection, header);
            writer.AddSection(IndexSection, index.WrittenSpan);
            writer.AddSection(ChunkSection, chunks.WrittenSpan);
            writer.Commit();
        }
        return Open(Path.Combine(directory, fileName));
    }

    public static MetricBlock Open(string path)
    {
        var reader = BlockReader.Open(path);
        var header = reader.GetSection(HeaderSection);
        if (header.Length < 28 || BinaryPrimitives.ReadInt32LittleEndian(header) != FormatVersion)
        {
            throw new InvalidDataException($"Metric block '{path}' has an unknown header.");
        }
        var windowStart = BinaryPrimitives.ReadInt64LittleEndian(header[4..]);
        var minTime = BinaryPrimitives.ReadInt64LittleEndian(header[12..]);
        var maxTime = BinaryPrimitives.ReadInt64LittleEndian(header[20..]);
        var index = reader.GetSection(IndexSection);
        var chunkSection = reader.Sections.FirstOrDefault(x => x.Id == ChunkSection);
        reader.TryGetSection(ChunkSection, out var chunks);
        var offset = 0;
        var n = checked((int)Varint.Read(index, ref offset));
        if (n > index.Length)
        {
            throw new InvalidDataException($"Metric block '{path}' has a corrupt index.");
        }
        var ids = new int[n];
        var offsets = new int[n + 1];
        var minTs = new long[n];
        var maxTs = new long[n];
        var id = -1;
        for (var i = 0; i < n; i++)
        {
            id += checked((int)Varint.Read(index, ref offset));
            ids[i] = id;
            offsets[i + 1] = checked(offsets[i] + (int)Varint.Read(index, ref offset));
            minTs[i] = windowStart + Varint.UnZigZag(Varint.Read(index, ref offset));
            maxTs[i] = minTs[i] + (long)Varint.Read(index, ref offset);
        }
        if (offsets[n] != chunks.Length)
        {
            throw new InvalidDataException($"Metric block '{path}': the index does not cover the chunk section.");
        }
        // Verified above (BlockReader checks the CRC of the whole file); from here on only positioned reads.
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new MetricBlock(Path.GetFileName(path), file, chunkSection.Offset, new FileInfo(path).Length, windowStart, minTime, maxTime, ids, offsets, minTs, maxTs);
    }
}
