using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;

namespace Vigil.Logs.Tests.Engine;

public sealed class LogStoreTests
{
    private static readonly long T = LogStoreFixture.Ms(LogStoreFixture.T0);

    [Fact]
    public async Task Events_come_back_in_time_order_across_streams_and_batches()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("a", "b");
        await f.PutAsync("a", (T + 10, "a10"), (T + 30, "a30"));
        await f.PutAsync("b", (T + 20, "b20"), (T + 30, "b30"));
        await f.PutAsync("a", (T + 5, "a5"));

        var all = f.Scan();
        all.Events.Select(e => e.Message).ShouldBe(["a5", "a10", "b20", "a30", "b30"]);
        all.Events.Select(e => e.StreamName).ShouldBe(["a", "a", "b", "a", "b"]);
        all.HasMore.ShouldBeFalse();
        all.SearchedStreams.ShouldBe(["a", "b"]);
        all.Events.ShouldAllBe(e => e.IngestionTime == T);

        f.Scan(s => s with { Descending = true }).Events.Select(e => e.Message).ShouldBe(["b30", "a30", "b20", "a10", "a5"]);
        f.Scan(s => s with { StreamNames = ["b"] }).Events.Select(e => e.Message).ShouldBe(["b20", "b30"]);
        f.Scan(s => s with { StreamNamePrefix = "a" }).SearchedStreams.ShouldBe(["a"]);
        f.Scan(s => s with { StartTime = T + 10, EndTime = T + 30 }).Events.Select(e => e.Message).ShouldBe(["a10", "b20"]);
    }

    [Fact]
    public async Task Pages_resume_after_the_last_position_in_either_direction()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("s");
        // Five events on the same millisecond: seq breaks the tie, so paging never skips or repeats one.
        await f.PutAsync("s", [.. Enumerable.Range(0, 5).Select(i => (T, $"m{i}"))]);

        var first = f.Scan(s => s with { Limit = 2 });
        first.Events.Select(e => e.Message).ShouldBe(["m0", "m1"]);
        first.HasMore.ShouldBeTrue();
        var second = f.Scan(s => s with { Limit = 2, After = first.Events[^1].Position });
        second.Events.Select(e => e.Message).ShouldBe(["m2", "m3"]);
        var third = f.Scan(s => s with { Limit = 2, After = second.Events[^1].Position });
        third.Events.Select(e => e.Message).ShouldBe(["m4"]);
        third.HasMore.ShouldBeFalse();

        var back = f.Scan(s => s with { Limit = 3, Descending = true });
        back.Events.Select(e => e.Message).ShouldBe(["m4", "m3", "m2"]);
        f.Scan(s => s with { Limit = 3, Descending = true, After = back.Events[^1].Position }).Events.Select(e => e.Message).ShouldBe(["m1", "m0"]);
    }

    [Fact]
    public async Task A_page_stops_before_one_megabyte_counting_26_bytes_per_event()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("s");
        var big = new string('x', 100_000);
        await f.PutAsync("s", [.. Enumerable.Range(0, 12).Select(i => (T + i, big))]);

        var page = f.Scan();
        page.Events.Count.ShouldBe(10); // 10 × 100,026 ≤ 1,048,576 < 11 × 100,026
        page.HasMore.ShouldBeTrue();
    }

    [Fact]
    public async Task Predicates_and_required_substrings_select_events()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("s");
        await f.PutAsync("s", (T, "ERROR payment declined"), (T + 1, "INFO ok"), (T + 2, "ERROR timeout"));

        f.Scan(s => s with { RequiredSubstrings = ["ERROR"] }).Events.Count.ShouldBe(2);
        f.Scan(s => s with { RequiredSubstrings = ["ERROR"], Match = m => m.EndsWith("timeout", StringComparison.Ordinal) })
            .Events.Single().Message.ShouldBe("ERROR timeout");
        f.Scan(s => s with { RequiredSubstrings = ["payment declined", "ERROR"] }).Events.Single().Timestamp.ShouldBe(T);
    }

    [Fact]
    public async Task Sealed_blocks_answer_exactly_as_the_head_did()
    {
        await using var f = new LogStoreFixture(chunkBytes: 256);
        await f.CreateAsync("a", "b");
        var random = new Random(7);
        for (var batch = 0; batch < 20; batch++)
        {
            var stream = batch % 2 == 0 ? "a" : "b";
            var start = T + random.Next(0, 100_000);
            await f.PutAsync(stream, [.. Enumerable.Range(0, 25).Select(i => (start + (i * 7), $"{stream} batch {batch} event {i} {(i % 5 == 0 ? "needle" : "hay")}"))]);
        }

        static string[] Render(LogScanResult r) => [.. r.Events.Select(e => $"{e.Timestamp}/{e.Seq}/{e.StreamName}/{e.Message}")];
        LogScan Window(LogScan s) => s with { StartTime = T + 20_000, EndTime = T + 80_000, RequiredSubstrings = ["needle"], Limit = 7 };
        string[][] Answers() => [Render(f.Scan()), Render(f.Scan(Window)), Render(f.Scan(s => Window(s) with { Descending = true }))];
        var before = Answers();
        before[0].Length.ShouldBe(500);
        before[1].Length.ShouldBe(7);

        await f.Store.CheckpointAsync();
        f.Store.Blocks.Count.ShouldBe(1);
        f.Store.Blocks[0].Chunks.Count.ShouldBeGreaterThan(10);
        Answers().ShouldBe(before);

        await f.ReopenAsync();
        Answers().ShouldBe(before);
    }

    [Fact]
    public async Task Fast_sealed_blocks_are_recompressed_later_and_answer_exactly_as_before()
    {
        await using var f = new LogStoreFixture(chunkBytes: 64 * 1024);
        await f.CreateAsync("a", "b");
        var random = new Random(11);
        string[] words = ["GET", "POST", "/api/orders", "/api/users", "200", "404", "500", "latency", "ms", "user", "payment declined", "ok"];
        for (var batch = 0; batch < 40; batch++)
        {
            var stream = batch % 2 == 0 ? "a" : "b";
            await f.PutAsync(stream, [.. Enumerable.Range(0, 100).Select(i => (T + (batch * 1000) + i,
                string.Join(' ', Enumerable.Range(0, 12).Select(_ => words[random.Next(words.Length)])) + $" id={random.Next(100_000)}"))]);
        }

        static string[] Render(LogScanResult r) => [.. r.Events.Select(e => $"{e.Timestamp}/{e.Seq}/{e.StreamName}/{e.Message}")];
        string[][] Answers() => [Render(f.Scan()), Render(f.Scan(s => s with { RequiredSubstrings = ["payment declined"], Limit = 50, Descending = true }))];
        var before = Answers();

        await f.Store.CheckpointAsync();
        var fast = f.Store.Blocks.ShouldHaveSingleItem();
        fast.Quality.ShouldBe(0); // the default seal quality
        Answers().ShouldBe(before);
        (await f.Store.RecompressNextAsync(anyAge: false)).ShouldBeFalse(); // not two minutes old yet

        await f.Store.RecompressAllAsync();
        var final = f.Store.Blocks.ShouldHaveSingleItem();
        final.Quality.ShouldBe(7);
        final.FileName.ShouldBe(fast.FileName.Replace(".lblk", "-q7.lblk", StringComparison.Ordinal));
        final.SizeBytes.ShouldBeLessThan(fast.SizeBytes);
        (final.Count, final.MinTimestamp, final.MaxTimestamp, final.Chunks.Count).ShouldBe((fast.Count, fast.MinTimestamp, fast.MaxTimestamp, fast.Chunks.Count));
        final.Fields.ShouldBe(fast.Fields);
        Answers().ShouldBe(before);
        Directory.GetFiles(Path.Combine(f.Directory, "blocks")).Select(Path.GetFileName).ShouldBe([final.FileName]);
        f.Store.GetLogGroup(LogStoreFixture.Group)!.StoredBytes.ShouldBe(final.SizeBytes);
        (await f.Store.RecompressNextAsync(anyAge: true)).ShouldBeFalse();

        await f.ReopenAsync();
        f.Store.Blocks.ShouldHaveSingleItem().Quality.ShouldBe(7);
        Answers().ShouldBe(before);
    }

    [Fact]
    public async Task Everything_acknowledged_survives_a_restart_without_a_checkpoint()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("a", "gone");
        await f.Store.SetRetentionAsync(LogStoreFixture.Group, 7);
        await f.Store.TagLogGroupAsync(LogStoreFixture.Group, new Dictionary<string, string> { ["team"] = "web", ["tier"] = "1" });
        await f.Store.UntagLogGroupAsync(LogStoreFixture.Group, ["tier"]);
        await f.PutAsync("a", (T - 1000, "one"), (T, "two"));
        await f.PutAsync("gone", (T, "deleted with its stream"));
        await f.Store.DeleteLogStreamAsync(LogStoreFixture.Group, "gone");

        await f.ReopenAsync();
        var group = f.Store.GetLogGroup(LogStoreFixture.Group).ShouldNotBeNull();
        group.RetentionInDays.ShouldBe(7);
        group.Tags.ShouldBe(new Dictionary<string, string> { ["team"] = "web" });
        group.StoredBytes.ShouldBe(3 + 3 + (2 * LogStore.EventOverheadBytes));
        var stream = f.Store.ListLogStreams(LogStoreFixture.Group).ShouldHaveSingleItem();
        (stream.Name, stream.FirstEventTimestamp, stream.LastEventTimestamp, stream.LastIngestionTime).ShouldBe(("a", T - 1000, T, T));
        f.Scan().Events.Select(e => e.Message).ShouldBe(["one", "two"]);

        // New events after recovery get fresh sequence numbers: they sort after the replayed ones on a tie.
        await f.PutAsync("a", (T, "three"));
        f.Scan().Events.Select(e => e.Message).ShouldBe(["one", "two", "three"]);
    }

    [Fact]
    public async Task A_checkpoint_then_more_events_then_a_restart_keeps_both()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("a");
        await f.PutAsync("a", (T, "sealed"));
        await f.Store.CheckpointAsync();
        await f.Store.CreateLogStreamAsync(LogStoreFixture.Group, "b");
        await f.PutAsync("b", (T + 1, "in the wal"));

        await f.ReopenAsync();
        f.Scan().Events.Select(e => (e.StreamName, e.Message)).ShouldBe([("a", "sealed"), ("b", "in the wal")]);
        f.Store.ListLogStreams(LogStoreFixture.Group).Select(s => s.Name).ShouldBe(["a", "b"]);
        f.Store.GetLogGroup(LogStoreFixture.Group)!.StoredBytes.ShouldBe(f.Store.Blocks.Single().SizeBytes + 10 + LogStore.EventOverheadBytes);
        Directory.GetFiles(Path.Combine(f.Directory, "blocks")).Length.ShouldBe(1);
    }

    [Fact]
    public async Task Retention_hides_expired_events_at_once_and_deletes_their_blocks()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("s");
        var day = 86_400_000L;
        await f.PutAsync("s", (T - (3 * day), "three days old"), (T - (2 * day), "two days old"), (T - 1000, "fresh"));
        await f.Store.CheckpointAsync();
        await f.PutAsync("s", (T - (3 * day), "old, still in the head"));

        await f.Store.SetRetentionAsync(LogStoreFixture.Group, 1);
        f.Scan().Events.Select(e => e.Message).ShouldBe(["fresh"]);
        (await f.Store.EnforceRetentionAsync()).ShouldBe(0); // the block still holds a fresh event

        f.Clock.Now += TimeSpan.FromDays(1);
        f.Scan().Events.ShouldBeEmpty();
        (await f.Store.EnforceRetentionAsync()).ShouldBe(1);
        Directory.GetFiles(Path.Combine(f.Directory, "blocks")).ShouldBeEmpty();
        await f.ReopenAsync();
        f.Store.Blocks.ShouldBeEmpty();

        await f.Store.SetRetentionAsync(LogStoreFixture.Group, null);
        f.Scan().Events.Select(e => e.Message).ShouldBe(["old, still in the head"]);
    }

    [Fact]
    public async Task Deleting_a_group_drops_its_events_and_blocks_and_frees_the_name()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("s");
        await f.PutAsync("s", (T, "before"));
        await f.Store.CheckpointAsync();
        await f.Store.DeleteLogGroupAsync(LogStoreFixture.Group);
        (await f.Store.EnforceRetentionAsync()).ShouldBe(1);

        await f.CreateAsync("s");
        f.Scan().Events.ShouldBeEmpty();
        await f.PutAsync("s", (T, "after"));
        await f.ReopenAsync();
        f.Scan().Events.Select(e => e.Message).ShouldBe(["after"]);
    }

    [Fact]
    public async Task Refusals_name_what_is_missing_or_taken_and_change_nothing()
    {
        await using var f = new LogStoreFixture();
        var other = LogStoreFixture.Group with { AccountId = "222222222222" };
        (await Should.ThrowAsync<LogStoreException>(() => f.PutAsync("s", (T, "x")).AsTask())).Error.ShouldBe(LogStoreError.LogGroupNotFound);
        await f.CreateAsync("s");
        (await Should.ThrowAsync<LogStoreException>(() => f.CreateAsync())).Error.ShouldBe(LogStoreError.LogGroupExists);
        (await Should.ThrowAsync<LogStoreException>(() => f.Store.CreateLogStreamAsync(LogStoreFixture.Group, "s").AsTask())).Error.ShouldBe(LogStoreError.LogStreamExists);
        (await Should.ThrowAsync<LogStoreException>(() => f.PutAsync("nope", (T, "x")).AsTask())).Error.ShouldBe(LogStoreError.LogStreamNotFound);
        // Another account sees nothing of this one.
        Should.Throw<LogStoreException>(() => f.Store.Scan(new LogScan { Group = other })).Error.ShouldBe(LogStoreError.LogGroupNotFound);
        f.Store.ListLogGroups("222222222222", "us-east-1").ShouldBeEmpty();
        f.Store.ListLogGroups("111111111111", "eu-west-1").ShouldBeEmpty();

        await f.Store.SetDeletionProtectionAsync(LogStoreFixture.Group, true);
        (await Should.ThrowAsync<LogStoreException>(() => f.Store.DeleteLogGroupAsync(LogStoreFixture.Group).AsTask())).Error.ShouldBe(LogStoreError.DeletionProtected);
        f.Store.GetLogGroup(LogStoreFixture.Group).ShouldNotBeNull();
    }
}
