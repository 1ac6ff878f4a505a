using Vigil.Logs.Engine;

namespace Vigil.Logs.Tests.Engine;

public sealed class QueryScanCacheTests
{
    private static readonly long T = LogStoreFixture.Ms(LogStoreFixture.T0);

    private sealed class CountingSink : ILogQuerySink
    {
        public long Events { get; private set; }
        public long Bytes { get; private set; }

        public long StopBelow => long.MinValue;

        public void Add(int group, string stream, long timestamp, long ingestionTime, long seq, int index, ReadOnlyMemory<byte> message)
        {
            Events++;
            Bytes += message.Length;
        }
    }

    private static async Task<LogStoreFixture> SealedStoreAsync(long cacheBytes)
    {
        var f = new LogStoreFixture(chunkBytes: 16 * 1024, chunkCacheBytes: cacheBytes);
        await f.CreateAsync("s");
        for (var batch = 0; batch < 20; batch++)
        {
            await f.PutAsync("s", [.. Enumerable.Range(0, 100).Select(i => (T + (batch * 1000) + i, $"event {batch}/{i} {new string('x', 150)}"))]);
        }

        await f.Store.CheckpointAsync();
        return f;
    }

    private static (long Events, long Bytes) Run(LogStoreFixture f)
    {
        var result = f.Store.ScanForQuery(new LogQueryScan { Groups = [LogStoreFixture.Group], Workers = 1 }, () => new CountingSink());
        return (result.Sinks.Sum(s => s.Events), result.Sinks.Sum(s => s.Bytes));
    }

    [Fact]
    public async Task A_scan_larger_than_the_cache_keeps_its_first_chunks_cached_for_the_next_run()
    {
        // ~170 bytes a line, 16 KiB chunks: 2,000 lines make ~21 chunks of ~17 KiB decoded; the cache holds 8 of them.
        await using var f = await SealedStoreAsync(cacheBytes: 8 * 17 * 1024);
        var chunks = f.Store.Blocks.Sum(b => b.Chunks.Count);
        chunks.ShouldBeGreaterThan(16);

        var first = Run(f);
        first.Events.ShouldBe(2_000);
        var (hits, misses) = f.Store.ChunkCache.Counters;
        (hits, misses).ShouldBe((0, misses));
        misses.ShouldBeInRange(6, 8); // the prefix that fits; the rest decoded into scan buffers, not the cache

        Run(f).ShouldBe(first);
        var (hitsAfter, missesAfter) = f.Store.ChunkCache.Counters;
        hitsAfter.ShouldBe(misses); // every chunk cached by the first run served the second (plain LRU would serve none)
        missesAfter.ShouldBe(misses);
    }

    [Fact]
    public async Task A_scan_that_fits_is_answered_from_memory_the_second_time()
    {
        await using var f = await SealedStoreAsync(cacheBytes: 64L * 1024 * 1024);
        var chunks = f.Store.Blocks.Sum(b => b.Chunks.Count);

        var first = Run(f);
        Run(f).ShouldBe(first);
        f.Store.ChunkCache.Counters.ShouldBe((chunks, chunks));
    }
}
