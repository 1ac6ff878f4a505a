using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Storage.IO;
using Vigil.Storage.Tests;

namespace Vigil.Logs.Tests.Engine;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A <see cref="LogStore"/> in a temp directory with a manual clock, no background work, and reopening.</summary>
internal sealed class LogStoreFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly LogGroupKey Group = new("111111111111", "us-east-1", "/app/web");

    private readonly TempDirectory _dir = new();

    public LogStoreFixture(int chunkBytes = 2 * 1024 * 1024, long? chunkCacheBytes = null)
    {
        ChunkBytes = chunkBytes;
        ChunkCacheBytes = chunkCacheBytes ?? LogStoreOptions.DefaultChunkCacheBytes();
        Store = Open();
    }

    public ManualClock Clock { get; } = new(T0);
    public int ChunkBytes { get; }
    public long ChunkCacheBytes { get; }
    public LogStore Store { get; private set; }
    public string Directory => _dir.Path;

    public static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = Open();
    }

    public async Task CreateAsync(params string[] streams)
    {
        await Store.CreateLogGroupAsync(Group, null, null, false, null);
        foreach (var s in streams)
        {
            await Store.CreateLogStreamAsync(Group, s);
        }
    }

    public ValueTask<AppendResult> PutAsync(string stream, params (long Timestamp, string Message)[] events) =>
        Store.AppendAsync(Group, stream, events);

    public LogScanResult Scan(Func<LogScan, LogScan>? configure = null)
    {
        var scan = new LogScan { Group = Group };
        return Store.Scan(configure is null ? scan : configure(scan));
    }

    private LogStore Open() => LogStore.Open(new LogStoreOptions
    {
        Directory = _dir.Path,
        Sync = SyncMode.None,
        BackgroundWork = false,
        Clock = Clock,
        ChunkBytes = ChunkBytes,
        ChunkCacheBytes = ChunkCacheBytes,
    });

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _dir.Dispose();
    }
}
