using Vigil.Audit.Engine;
using Vigil.Storage.Wal;

namespace Vigil.Host.Tests.Audit;

public sealed class AuditLogTests
{
    private static readonly DateTimeOffset T0 = AuditLogFixture.T0;

    private static async Task<List<string>> AppendAsync(AuditLogFixture f, string prefix, int count, DateTimeOffset start)
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var id = $"{prefix}{i:D5}";
            await f.AppendAsync(id, start.AddSeconds(i));
            ids.Add(id);
        }

        return ids;
    }

    [Fact]
    public async Task A_seal_writes_a_block_truncates_the_wal_and_a_reopen_reads_every_event_once()
    {
        await using var f = new AuditLogFixture();
        var ids = await AppendAsync(f, "a", 300, T0.AddHours(-1)); // ~250 KB of WAL: many 16 KiB segments
        var segmentsBefore = f.WalSegments().Length;
        segmentsBefore.ShouldBeGreaterThan(5);

        await f.Log.SealAsync();

        f.Log.Blocks.Count.ShouldBe(1);
        f.Log.Blocks[0].Count.ShouldBe(300);
        f.Log.SealedSequence.ShouldBe(300);
        f.WalSegments().Length.ShouldBe(1, "the WAL keeps only the segment holding the last sealed event");
        f.AllIds().ShouldBe(ids);

        var more = await AppendAsync(f, "b", 10, T0.AddMinutes(-1));
        await f.ReopenAsync();
        f.Log.Recovery.Truncated.ShouldBeFalse();
        f.AllIds().ShouldBe([.. ids, .. more]);
        f.Log.SealedSequence.ShouldBe(300);

        // A sealed reopen reads the same, from blocks only.
        await f.ReopenAsync(sealOnDispose: true);
        await f.ReopenAsync();
        f.Log.Blocks.Count.ShouldBe(2);
        f.AllIds().ShouldBe([.. ids, .. more]);
    }

    [Fact]
    public async Task Reads_keep_the_json_exactly_as_appended()
    {
        await using var f = new AuditLogFixture();
        var e = AuditLogFixture.Event("x", T0);
        await f.Log.AppendAsync(e, CancellationToken.None);
        var unsealed = f.Log.ReadAll().Single();
        await f.Log.SealAsync();
        var sealedRecord = f.Log.ReadAll().Single();

        sealedRecord.Json.ToArray().ShouldBe(unsealed.Json.ToArray());
        sealedRecord.Sequence.ShouldBe(unsealed.Sequence);
        sealedRecord.EventTimeMillis.ShouldBe(T0.ToUnixTimeMilliseconds());
        var decoded = sealedRecord.Decode();
        (decoded.EventId, decoded.RequestId, decoded.Arn, decoded.EventTime).ShouldBe((e.EventId, e.RequestId, e.Arn, e.EventTime));
        System.Text.Encoding.UTF8.GetString(decoded.RequestParameters.Span).ShouldBe("""{"namespace":"MyApp"}""");
    }

    [Fact]
    public async Task A_crash_after_the_manifest_but_before_truncation_reads_no_event_twice()
    {
        await using var f = new AuditLogFixture();
        var ids = await AppendAsync(f, "a", 200, T0.AddHours(-1));
        var walCopy = CopyDirectory(f.WalDirectory);
        await f.Log.SealAsync();
        await f.CloseAsync();

        // The WAL as it was before the seal truncated it: every sealed event is in a block and in the WAL.
        RestoreDirectory(walCopy, f.WalDirectory);
        f.Reopen();

        f.AllIds().ShouldBe(ids);
        var more = await AppendAsync(f, "b", 5, T0);
        await f.Log.SealAsync();
        f.AllIds().ShouldBe([.. ids, .. more]);
        f.Log.Blocks.Select(b => (b.FirstSequence, b.LastSequence)).ShouldBe([(1, 200), (201, 205)]);
    }

    [Fact]
    public async Task A_crash_before_the_manifest_deletes_the_unpublished_block_and_reads_the_wal()
    {
        await using var f = new AuditLogFixture();
        var ids = await AppendAsync(f, "a", 100, T0.AddHours(-1));
        var walCopy = CopyDirectory(f.WalDirectory);
        var manifest = Path.Combine(f.Directory, "MANIFEST");
        File.Exists(manifest).ShouldBeFalse();
        await f.Log.SealAsync();
        await f.CloseAsync();

        // The block was written, but the manifest rename never happened (and so neither did truncation).
        File.Delete(manifest);
        RestoreDirectory(walCopy, f.WalDirectory);
        f.BlockFiles().Length.ShouldBe(1);
        f.Reopen();

        f.BlockFiles().ShouldBeEmpty();
        f.Log.Blocks.ShouldBeEmpty();
        f.AllIds().ShouldBe(ids);
        await f.Log.SealAsync();
        f.AllIds().ShouldBe(ids);
    }

    [Fact]
    public async Task A_torn_wal_tail_loses_only_the_torn_event()
    {
        await using var f = new AuditLogFixture(walSegmentBytes: 1024 * 1024);
        var ids = await AppendAsync(f, "a", 50, T0.AddHours(-1));
        await f.Log.SealAsync();
        var tail = await AppendAsync(f, "b", 20, T0);
        await f.CloseAsync();

        // Cut the last record short, as a crash in the middle of its write would.
        var segment = f.WalSegments()[^1];
        var records = f.RecordEnds();
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(records[^1] - 10);
        }

        f.Reopen();
        f.Log.Recovery.Damage.ShouldBe(WalDamage.TornRecord);
        f.AllIds().ShouldBe([.. ids, .. tail[..^1]]);

        // The next event takes the torn one's sequence; nothing is read twice.
        await f.AppendAsync("c", T0.AddSeconds(30));
        await f.ReopenAsync(sealOnDispose: true);
        f.AllIds().ShouldBe([.. ids, .. tail[..^1], "c"]);
    }

    [Fact]
    public async Task A_lost_wal_restarts_above_the_sealed_sequence()
    {
        await using var f = new AuditLogFixture();
        var ids = await AppendAsync(f, "a", 40, T0.AddHours(-1));
        await f.Log.SealAsync();
        await f.CloseAsync();
        Directory.Delete(f.WalDirectory, recursive: true);

        f.Reopen();
        f.Log.Recovery.Damage.ShouldBe(WalDamage.BehindMinimum);
        f.Log.Recovery.NextLsn.ShouldBe(41);
        await f.AppendAsync("b", T0);
        await f.ReopenAsync();
        f.AllIds().ShouldBe([.. ids, "b"]);
        f.Log.ReadAll().Last().Sequence.ShouldBe(41);
    }

    [Fact]
    public async Task Retention_hides_old_events_at_once_and_drops_whole_blocks()
    {
        await using var f = new AuditLogFixture();
        var old = await AppendAsync(f, "old", 20, T0.AddDays(-100));
        await f.Log.SealAsync();
        var mid = await AppendAsync(f, "mid", 20, T0.AddDays(-60));
        await f.Log.SealAsync();
        var unsealedOld = await AppendAsync(f, "late", 3, T0.AddDays(-95));
        var fresh = await AppendAsync(f, "new", 5, T0);

        f.AllIds().ShouldBe([.. mid, .. fresh], "events past 90 days are hidden before any block goes");
        (await f.Log.EnforceRetentionAsync()).ShouldBe(1);
        f.Log.Blocks.Count.ShouldBe(1);
        f.BlockFiles().Length.ShouldBe(1);

        // Move the clock: the 60-day-old block expires 31 days later.
        f.Clock.Now = T0.AddDays(31);
        f.AllIds().ShouldBe([.. fresh]);
        await f.Log.SealAsync();
        (await f.Log.EnforceRetentionAsync()).ShouldBe(1);
        f.Log.Blocks.Count.ShouldBe(1, "the block sealed from the head keeps its fresh events");
        await f.ReopenAsync();
        f.AllIds().ShouldBe([.. fresh]);
        old.Count.ShouldBe(20);
        unsealedOld.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Retention_is_configurable()
    {
        await using var f = new AuditLogFixture();
        await AppendAsync(f, "a", 3, T0.AddDays(-10));
        await f.Log.SealAsync();
        await f.CloseAsync();
        await using var log = AuditLog.Open(new AuditLogOptions
        {
            Directory = f.Directory,
            Sync = Vigil.Storage.IO.SyncMode.None,
            BackgroundWork = false,
            Clock = f.Clock,
            Retention = TimeSpan.FromDays(7),
        });
        log.ReadAll().ShouldBeEmpty();
        (await log.EnforceRetentionAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Time_range_reads_merge_blocks_and_the_tail_newest_first_or_oldest_first()
    {
        await using var f = new AuditLogFixture(chunkBytes: 2048);
        var expected = new List<(DateTimeOffset Time, long Seq, string Id)>();
        var random = new Random(7);
        long seq = 0;
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 60; i++)
            {
                // Times jump back now and then (a slow call appended after faster, later ones), and repeat.
                var time = T0.AddMinutes(-600 + (round * 100) + random.Next(0, 150)).AddMilliseconds(random.Next(0, 3));
                var id = $"r{round}-{i:D2}";
                await f.AppendAsync(id, time);
                expected.Add((time, ++seq, id));
            }

            if (round < 3)
            {
                await f.Log.SealAsync();
            }
        }

        f.Log.Blocks.Count.ShouldBe(3);
        var from = T0.AddMinutes(-500);
        var to = T0.AddMinutes(-200);
        var inRange = expected.Where(e => e.Time >= from && e.Time <= to).ToList();
        inRange.Count.ShouldBeGreaterThan(100);

        var newest = AuditLogFixture.Ids(f.Log.Read(from, to, AuditOrder.NewestFirst));
        newest.ShouldBe([.. inRange.OrderByDescending(e => e.Time).ThenByDescending(e => e.Seq).Select(e => e.Id)]);
        var oldest = AuditLogFixture.Ids(f.Log.Read(from, to, AuditOrder.OldestFirst));
        oldest.ShouldBe([.. inRange.OrderBy(e => e.Time).ThenBy(e => e.Seq).Select(e => e.Id)]);

        // Bounds are inclusive to the millisecond.
        var edge = expected[17];
        AuditLogFixture.Ids(f.Log.Read(edge.Time, edge.Time)).ShouldContain(edge.Id);
    }

    [Fact]
    public async Task Pages_resume_after_the_last_position_and_cover_the_range_once()
    {
        await using var f = new AuditLogFixture(chunkBytes: 1024);
        for (var i = 0; i < 90; i++)
        {
            await f.AppendAsync($"e{i:D2}", T0.AddSeconds(i / 3)); // three events per second: ties go by sequence
            if (i % 40 == 39)
            {
                await f.Log.SealAsync();
            }
        }

        foreach (var order in new[] { AuditOrder.NewestFirst, AuditOrder.OldestFirst })
        {
            var pages = new List<string>();
            AuditPosition? after = null;
            while (true)
            {
                var page = f.Log.Read(T0, T0.AddMinutes(1), order, after).Take(7).ToList();
                if (page.Count == 0)
                {
                    break;
                }

                pages.AddRange(AuditLogFixture.Ids(page));
                after = page[^1].Position;
            }

            var all = Enumerable.Range(0, 90).Select(i => $"e{i:D2}");
            pages.ShouldBe(order == AuditOrder.NewestFirst ? all.Reverse() : all);
        }
    }

    [Fact]
    public async Task A_newest_first_read_that_stops_early_decodes_only_the_newest_chunks()
    {
        await using var f = new AuditLogFixture(chunkBytes: 1024);
        await AppendAsync(f, "a", 400, T0.AddHours(-2));
        await f.Log.SealAsync();
        var reads = f.Log.Read(T0.AddDays(-1), T0).Take(3).ToList();
        AuditLogFixture.Ids(reads).ShouldBe(["a00399", "a00398", "a00397"]);
    }

    [Fact]
    public async Task Appends_seals_and_reads_running_at_once_lose_and_repeat_nothing()
    {
        await using var f = new AuditLogFixture(chunkBytes: 2048);
        var acknowledged = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                var id = $"w{w}-{i:D3}";
                await f.AppendAsync(id, T0.AddSeconds(-((i * 7) % 500)));
                acknowledged.Enqueue(id);
            }
        })).ToArray();
        var done = Task.WhenAll(writers);
        var sealer = Task.Run(async () =>
        {
            while (!done.IsCompleted)
            {
                await f.Log.SealAsync();
                await Task.Delay(3);
            }
        });
        var reads = 0;
        while (!done.IsCompleted)
        {
            var before = acknowledged.ToArray();
            var ids = f.AllIds();
            ids.Distinct().Count().ShouldBe(ids.Count, "a read saw an event twice");
            before.Except(ids).ShouldBeEmpty("a read missed an acknowledged event");
            reads++;
        }

        await done;
        await sealer;
        await f.Log.SealAsync();
        f.Log.Blocks.Count.ShouldBeGreaterThan(2);
        reads.ShouldBeGreaterThan(0);
        f.AllIds().Order(StringComparer.Ordinal).ShouldBe(acknowledged.Order(StringComparer.Ordinal));
        await f.ReopenAsync();
        f.AllIds().Order(StringComparer.Ordinal).ShouldBe(acknowledged.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_damaged_block_fails_the_read_that_reaches_it_and_not_the_open()
    {
        await using var f = new AuditLogFixture();
        await AppendAsync(f, "a", 50, T0.AddHours(-1));
        await f.Log.SealAsync();
        await f.CloseAsync();
        var block = f.BlockFiles().Single();
        var bytes = File.ReadAllBytes(block);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(block, bytes);

        f.Reopen();
        var more = await AppendAsync(f, "b", 3, T0);
        AuditLogFixture.Ids(f.Log.Read(T0.AddMinutes(-1), T0.AddMinutes(1))).ShouldBe(more.AsEnumerable().Reverse());
        Should.Throw<Vigil.Storage.StorageFormatException>(() => f.AllIds());
    }

    [Fact]
    public async Task The_background_loop_seals_once_the_interval_has_passed()
    {
        await using var f = new AuditLogFixture();
        await f.CloseAsync();
        await using var log = AuditLog.Open(new AuditLogOptions
        {
            Directory = f.Directory,
            Sync = Vigil.Storage.IO.SyncMode.None,
            SealInterval = TimeSpan.FromMilliseconds(200),
        });
        await log.AppendAsync(AuditLogFixture.Event("x", DateTimeOffset.UtcNow), CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (log.Blocks.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        log.Blocks.Count.ShouldBe(1);
        log.SealedSequence.ShouldBe(1);
    }

    private static string CopyDirectory(string source)
    {
        var copy = source + ".copy";
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    private static void RestoreDirectory(string copy, string target)
    {
        Directory.Delete(target, recursive: true);
        Directory.Move(copy, target);
    }

    [Theory]
    [InlineData("2026-11-23T07:05:09.999+00:00", "2026-11-23T07:05:09Z")]
    [InlineData("2026-01-02T03:04:05+02:00", "2026-01-02T01:04:05Z")]
    [InlineData("0999-12-31T23:59:59+00:00", "0999-12-31T23:59:59Z")]
    public void The_event_time_is_CloudTrails_UTC_second(string time, string expected)
    {
        var e = AuditLogFixture.Event("x", DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture));
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            Vigil.Audit.Model.AuditEventJson.Write(w, e);
        }

        using var doc = System.Text.Json.JsonDocument.Parse(buffer.WrittenMemory);
        doc.RootElement.GetProperty("eventTime").GetString().ShouldBe(expected);
    }
}
