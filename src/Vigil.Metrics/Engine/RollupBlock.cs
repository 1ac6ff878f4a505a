using System.Buffers.Binary;
using System.Buffers;
using Vigil.Metrics.Statistics;
using Vigil.Storage.Binary;
using Vigil.Storage.Blocks;
using Vigil.Storage.IO;

namespace Vigil.Metrics.Engine;

/// <summary>A rollup cell as queries see it: the start of its period and its statistics.</summary>
public readonly record struct TimedCell(long Timestamp, StatisticCell Cell);

/// <summary>
/// One immutable block of rollup cells: for one day-window, per series, one <see cref="StatisticCell"/> per
/// <see cref="Resolution"/> seconds with data (5 min or 1 h: CloudWatch's tiers after 15 and 63 days). Format:
/// docs/formats/metric-block.md, "rollup block".
/// </summary>
public sealed class RollupBlock
{
    private const uint HeaderSection = 1;
    private const uint IndexSection = 2;
    private const uint CellSection = 3;
    private const int FormatVersion = 1;

    private readonly BlockReader _reader;
    private readonly ReadOnlyMemory<byte> _cells;
    private readonly int[] _seriesIds;
    private readonly int[] _offsets;

    private RollupBlock(string fileName, BlockReader reader, long windowStart, int resolution, int[] ids, int[] offsets, ReadOnlyMemory<byte> cells)
    {
        FileName = fileName;
        _reader = reader;
        WindowStart = windowStart;
        Resolution = resolution;
        _seriesIds = ids;
        _offsets = offsets;
        _cells = cells;
    }

    public string FileName { get; }
    public long WindowStart { get; }
    public long WindowEnd => WindowStart + MetricStore.WindowSeconds;
    public int Resolution { get; }
    public IReadOnlyList<int> SeriesIds => _seriesIds;
    public long SizeBytes => _reader.Sections.Sum(s => s.Length);

    /// <summary>Appends the cells of <paramref name="seriesId"/> whose periods start in [start, end).</summary>
    public void Read(int seriesId, long start, long end, List<TimedCell> into)
    {
        var i = Array.BinarySearch(_seriesIds, seriesId);
        if (i < 0 || end <= WindowStart || start >= WindowEnd)
        {
            return;
        }
        var span = _cells.Span[_offsets[i].._offsets[i + 1]];
        var offset = 0;
        var n = (int)Varint.Read(span, ref offset);
        var t = WindowStart;
        for (var k = 0; k < n; k++)
        {
            t += (long)Varint.Read(span, ref offset) * Resolution;
            var cell = StatisticCell.ReadFrom(span[offset..], out var read);
            offset += read;
            if (t >= start && t < end)
            {
                into.Add(new TimedCell(t, cell));
            }
        }
    }

    public static RollupBlock Write(string directory, string fileName, long windowStart, int resolution, IReadOnlyList<(int Id, List<TimedCell> Cells)> series, SyncMode sync)
    {
        var cells = new ArrayBufferWriter<byte>(1 << 16);
        var index = new ArrayBufferWriter<byte>(8 * series.Count + 8);
        Varint.Write(index, (ulong)series.Count);
        var previousId = -1;
        foreach (var (id, list) in series)
        {
            var before = cells.WrittenCount;
            Varint.Write(cells, (ulong)list.Count);
            var t = windowStart;
            foreach (var c in list)
            {
                Varint.Write(cells, (ulong)((c.Timestamp - t) / resolution));
                t = c.Timestamp;
                c.Cell.WriteTo(cells);
            }
            Varint.Write(index, (ulong)(id - previousId));
            Varint.Write(index, (ulong)(cells.WrittenCount - before));
            previousId = id;
        }
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(header, FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[4..], windowStart);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], resolution);
        using (var writer = new BlockWriter(directory, fileName, sync))
        {
            writer.AddSection(HeaderSection, header);
            writer.AddSection(IndexSection, index.WrittenSpan);
            writer.AddSection(CellSection, cells.WrittenSpan);
            writer.Commit();
        }
        return Open(Path.Combine(directory, fileName));
    }

    public static RollupBlock Open(string path)
    {
        var reader = BlockReader.Open(path);
        var header = reader.GetSection(HeaderSection);
        if (header.Length < 16 || BinaryPrimitives.ReadInt32LittleEndian(header) != FormatVersion)
        {
            throw new InvalidDataException($"Rollup block '{path}' has an unknown header.");
        }
        var windowStart = BinaryPrimitives.ReadInt64LittleEndian(header[4..]);
        var resolution = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        if (resolution is not (300 or 3600))
        {
            throw new InvalidDataException($"Rollup block '{path}' has resolution {resolution}.");
        }
        var index = reader.GetSection(IndexSection);
        reader.TryGetSection(CellSection, out var cells);
        var offset = 0;
        var n = checked((int)Varint.Read(index, ref offset));
        if (n > index.Length)
        {
            throw new InvalidDataException($"Rollup block '{path}' has a corrupt index.");
        }
        var ids = new int[n];
        var offsets = new int[n + 1];
        var id = -1;
        for (var i = 0; i < n; i++)
        {
            id += checked((int)Varint.Read(index, ref offset));
            ids[i] = id;
            offsets[i + 1] = checked(offsets[i] + (int)Varint.Read(index, ref offset));
        }
        if (offsets[n] != cells.Length)
        {
            throw new InvalidDataException($"Rollup block '{path}': the index does not cover the cell section.");
        }
        return new RollupBlock(Path.GetFileName(path), reader, windowStart, resolution, ids, offsets, cells);
    }
}
