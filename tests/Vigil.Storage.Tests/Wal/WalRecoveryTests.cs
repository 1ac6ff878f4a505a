using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Storage.Checksums;
using Vigil.Storage.Wal;

namespace Vigil.Storage.Tests.Wal;

/// <summary>Torn writes and corruption: the log must come back as its longest valid prefix.</summary>
public sealed class WalRecoveryTests
{
    private const int Header = WalFormat.SegmentHeaderSize;

    [Fact]
    public async Task A_record_torn_at_every_byte_offset_is_dropped_and_the_log_keeps_working()
    {
        using var temp = new TempDirectory();
        var original = temp.Subdirectory("original");
        int[] sizes = [10, 0, 300, 7, 40];
        await WriteRecords(original, sizes);
        var lastStart = Header + sizes[..^1].Sum(WalTestKit.RecordSize);
        var end = lastStart + WalTestKit.RecordSize(sizes[^1]);

        for (var cut = lastStart; cut < end; cut++)
        {
            var image = temp.CopyFiles(original, $"cut-{cut}");
            var segment = WalTestKit.Segments(image).Single();
            WalTestKit.Truncate(segment, cut);

            await using (var log = WalTestKit.Open(image))
            {
                log.Recovery.Damage.ShouldBe(cut == lastStart ? WalDamage.None : WalDamage.TornRecord);
                log.Recovery.NextLsn.ShouldBe(5);
                log.Recovery.BytesDropped.ShouldBe(cut - lastStart);
                new FileInfo(segment).Length.ShouldBe(lastStart);
                AssertPayloads(WalTestKit.ReadAll(log), sizes[..^1]);
                (await log.AppendAsync(WalTestKit.Payload(99, 25))).ShouldBe(5);
            }

            var (report, records) = await WalTestKit.Reopen(image);
            report.Damage.ShouldBe(WalDamage.None);
            records.Count.ShouldBe(5);
            records[^1].Payload.ShouldBe(WalTestKit.Payload(99, 25));
            Directory.Delete(image, recursive: true);
        }
    }

    [Fact]
    public void A_cut_anywhere_in_the_last_batch_keeps_exactly_the_whole_records_before_it()
    {
        using var temp = new TempDirectory();
        var property = Prop.ForAll(
            Gen.ListOf(Gen.Choose(0, 300)).Select(l => l.ToArray()).ToArbitrary(),
            Gen.NonEmptyListOf(Gen.Choose(0, 300)).Select(l => l.ToArray()).ToArbitrary(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            (before, batch, cutSeed) =>
            {
                var directory = temp.Subdirectory(Guid.NewGuid().ToString("N"));
                WriteRecords(directory, before, batch).GetAwaiter().GetResult();
                var batchStart = Header + before.Sum(WalTestKit.RecordSize);
                var batchEnd = batchStart + batch.Sum(WalTestKit.RecordSize);
                var cut = batchStart + (cutSeed % (batchEnd - batchStart));
                WalTestKit.Truncate(WalTestKit.Segments(directory).Single(), cut);

                // Records of the batch that end at or before the cut survive, nothing else.
                var survivors = before.ToList();
                var offset = batchStart;
                foreach (var size in batch)
                {
                    offset += WalTestKit.RecordSize(size);
                    if (offset > cut)
                    {
                        break;
                    }

                    survivors.Add(size);
                }

                var (report, records) = WalTestKit.Reopen(directory).GetAwaiter().GetResult();
                AssertPayloads(records, [.. survivors]);
                report.NextLsn.ShouldBe(survivors.Count + 1);
                Directory.Delete(directory, recursive: true);
                return true;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), property);
    }

    [Theory]
    [InlineData(0)] // length field
    [InlineData(5)] // CRC field
    [InlineData(8)] // type byte
    [InlineData(20)] // payload
    public async Task A_damaged_middle_record_ends_the_log_there(int byteInRecord)
    {
        using var temp = new TempDirectory();
        var sizes = Enumerable.Repeat(64, 10).ToArray();
        await WriteRecords(temp.Path, sizes);
        var segment = WalTestKit.Segments(temp.Path).Single();
        var originalLength = new FileInfo(segment).Length;
        var fifthStart = Header + (4 * WalTestKit.RecordSize(64));
        WalTestKit.FlipByte(segment, fifthStart + byteInRecord);

        var (report, records) = await WalTestKit.Reopen(temp.Path);
        report.Damage.ShouldBeOneOf(WalDamage.ChecksumMismatch, WalDamage.TornRecord); // a bigger length may run past EOF
        report.DamagedSegment.ShouldBe(Path.GetFileName(segment));
        report.DamageOffset.ShouldBe(fifthStart);
        report.BytesDropped.ShouldBe(originalLength - fifthStart);
        report.NextLsn.ShouldBe(5);
        AssertPayloads(records, sizes[..4]);
        new FileInfo(segment).Length.ShouldBe(fifthStart);
    }

    [Fact]
    public async Task A_zero_filled_tail_is_the_end_of_the_log_not_damage()
    {
        // The writer zero-fills ahead of its records (ZeroFillBytes); ext4 can also show a file extended by
        // zeros after a crash. Either way the records end at the first all-zero header.
        using var temp = new TempDirectory();
        await WriteRecords(temp.Path, [10, 20]);
        var segment = WalTestKit.Segments(temp.Path).Single();
        await using (var stream = new FileStream(segment, FileMode.Append))
        {
            await stream.WriteAsync(new byte[4096]);
        }

        var (report, records) = await WalTestKit.Reopen(temp.Path);
        report.Damage.ShouldBe(WalDamage.None);
        records.Count.ShouldBe(2);

        // Appends go where the records ended, over the zeros, and survive another reopen.
        await using (var log = WalTestKit.Open(temp.Path))
        {
            (await log.AppendAsync(WalTestKit.Payload(3, 30))).ShouldBe(3);
        }
        var (again, all) = await WalTestKit.Reopen(temp.Path);
        again.Damage.ShouldBe(WalDamage.None);
        all.Select(r => r.Payload.Length).ShouldBe([10, 20, 30]);
    }

    [Fact]
    public async Task Bytes_after_a_zero_header_are_damage_and_are_cut()
    {
        using var temp = new TempDirectory();
        await WriteRecords(temp.Path, [10, 20]);
        var segment = WalTestKit.Segments(temp.Path).Single();
        var length = new FileInfo(segment).Length;
        await using (var stream = new FileStream(segment, FileMode.Append))
        {
            await stream.WriteAsync(new byte[100]);
            await stream.WriteAsync(new byte[] { 1, 2, 3 });
        }

        var (report, records) = await WalTestKit.Reopen(temp.Path);
        report.Damage.ShouldBe(WalDamage.ChecksumMismatch);
        records.Count.ShouldBe(2);
        new FileInfo(segment).Length.ShouldBe(length);
    }

    [Fact]
    public async Task Zero_filled_segments_recover_every_record_and_keep_appending()
    {
        using var temp = new TempDirectory();
        await using (var log = WalTestKit.Open(temp.Path, segmentBytes: 64 * 1024, zeroFillBytes: 16 * 1024))
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await log.AppendAsync(WalTestKit.Payload((w * 1000) + i, 100 + i));
                }
            })));
        }
        WalTestKit.Segments(temp.Path).ShouldAllBe(s => (new FileInfo(s).Length - WalFormat.SegmentHeaderSize) % (16 * 1024) == 0);

        var (report, records) = await WalTestKit.Reopen(temp.Path, 64 * 1024, zeroFillBytes: 16 * 1024);
        report.Damage.ShouldBe(WalDamage.None);
        records.Count.ShouldBe(800);
        records.Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, 800).Select(i => (long)i));

        await using (var log = WalTestKit.Open(temp.Path, 64 * 1024, zeroFillBytes: 16 * 1024))
        {
            (await log.AppendAsync(WalTestKit.Payload(9, 9))).ShouldBe(801);
        }
        var (_, after) = await WalTestKit.Reopen(temp.Path, 64 * 1024, zeroFillBytes: 16 * 1024);
        after.Count.ShouldBe(801);
        after[^1].Payload.ShouldBe(WalTestKit.Payload(9, 9));
    }

    [Fact]
    public async Task Damage_in_an_early_segment_deletes_every_later_one()
    {
        using var temp = new TempDirectory();
        await WriteRecords(temp.Path, Enumerable.Repeat(100, 30).ToArray(), segmentBytes: 500);
        var segments = WalTestKit.Segments(temp.Path);
        segments.Length.ShouldBeGreaterThan(3);
        WalTestKit.FlipByte(segments[1], Header + 9 + 3); // payload of the second segment's first record

        var (report, records) = await WalTestKit.Reopen(temp.Path, segmentBytes: 500);
        report.Damage.ShouldBe(WalDamage.ChecksumMismatch);
        report.SegmentsDeleted.ShouldBe(segments.Length - 2);
        WalTestKit.Segments(temp.Path).ShouldBe(segments[..2]);
        new FileInfo(segments[1]).Length.ShouldBe(Header);
        var firstOfSecond = FirstLsn(segments[1]);
        records.Count.ShouldBe((int)firstOfSecond - 1);
        report.NextLsn.ShouldBe(firstOfSecond);
    }

    [Fact]
    public async Task A_torn_segment_header_deletes_that_segment_and_appends_recreate_it()
    {
        using var temp = new TempDirectory();
        await WriteRecords(temp.Path, Enumerable.Repeat(100, 12).ToArray(), segmentBytes: 500);
        var segments = WalTestKit.Segments(temp.Path);
        var last = segments[^1];
        var lostFrom = FirstLsn(last);
        WalTestKit.Truncate(last, 11);

        await using (var log = WalTestKit.Open(temp.Path, segmentBytes: 500))
        {
            log.Recovery.Damage.ShouldBe(WalDamage.TornSegmentHeader);
            log.Recovery.SegmentsDeleted.ShouldBe(1);
            log.Recovery.NextLsn.ShouldBe(lostFrom);
            File.Exists(last).ShouldBeFalse();
            (await log.AppendAsync(WalTestKit.Payload(77, 100))).ShouldBe(lostFrom);
        }

        var (report, records) = await WalTestKit.Reopen(temp.Path, segmentBytes: 500);
        report.Damage.ShouldBe(WalDamage.None);
        records[^1].Lsn.ShouldBe(lostFrom);
        records[^1].Payload.ShouldBe(WalTestKit.Payload(77, 100));
    }

    [Fact]
    public async Task A_missing_middle_segment_ends_the_log_at_the_gap()
    {
        using var temp = new TempDirectory();
        await WriteRecords(temp.Path, Enumerable.Repeat(100, 30).ToArray(), segmentBytes: 500);
        var segments = WalTestKit.Segments(temp.Path);
        File.Delete(segments[2]);

        var (report, records) = await WalTestKit.Reopen(temp.Path, segmentBytes: 500);
        report.Damage.ShouldBe(WalDamage.SequenceGap);
        WalTestKit.Segments(temp.Path).ShouldBe(segments[..2]);
        records.Count.ShouldBe((int)FirstLsn(segments[2]) - 1);
    }

    [Fact]
    public async Task A_segment_from_a_newer_version_is_refused_untouched()
    {
        using var temp = new TempDirectory();
        await WriteRecords(temp.Path, [10]);
        var segment = WalTestKit.Segments(temp.Path).Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[4] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), Crc32C.Compute(bytes.AsSpan(0, 16)));
        await File.WriteAllBytesAsync(segment, bytes);

        var error = Should.Throw<StorageFormatException>(() => WalTestKit.Open(temp.Path));
        error.Error.ShouldBe(StorageFormatError.UnsupportedVersion);
        (await File.ReadAllBytesAsync(segment)).ShouldBe(bytes);
    }

    internal static async Task WriteRecords(string directory, int[] sizes, int[]? lastBatch = null, long segmentBytes = WalOptions.DefaultSegmentBytes)
    {
        await using var log = WalTestKit.Open(directory, segmentBytes);
        for (var i = 0; i < sizes.Length; i++)
        {
            await log.AppendAsync(WalTestKit.Payload(i, sizes[i]));
        }

        if (lastBatch is not null)
        {
            var payloads = new ReadOnlyMemory<byte>[lastBatch.Length];
            for (var i = 0; i < lastBatch.Length; i++)
            {
                payloads[i] = WalTestKit.Payload(sizes.Length + i, lastBatch[i]);
            }

            await log.AppendBatchAsync(payloads);
        }
    }

    private static void AssertPayloads(List<(long Lsn, byte Type, byte[] Payload)> records, int[] sizes)
    {
        records.Count.ShouldBe(sizes.Length);
        for (var i = 0; i < sizes.Length; i++)
        {
            records[i].Lsn.ShouldBe(i + 1);
            records[i].Payload.ShouldBe(WalTestKit.Payload(i, sizes[i]));
        }
    }

    private static long FirstLsn(string segmentPath) =>
        long.Parse(Path.GetFileNameWithoutExtension(segmentPath), System.Globalization.CultureInfo.InvariantCulture);
}
