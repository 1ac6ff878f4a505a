using Vigil.Audit.Engine;
using Vigil.Audit.Model;
using Vigil.Host.Tests.TestSupport;
using Vigil.Storage.IO;
using Vigil.Storage.Wal;

namespace Vigil.Host.Tests.Audit;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// An <see cref="AuditLog"/> in a temp directory: manual clock, no background work, no fsync, small WAL segments
/// (so truncation shows), and reopening the way a restart or a crash would.
/// </summary>
internal sealed class AuditLogFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDir _dir = new();
    private readonly int _chunkBytes;

    public AuditLogFixture(int chunkBytes = 4096, long walSegmentBytes = 16 * 1024)
    {
        _chunkBytes = chunkBytes;
        WalSegmentBytes = walSegmentBytes;
        Log = Open();
    }

    public ManualClock Clock { get; } = new(T0);
    public long WalSegmentBytes { get; }
    public AuditLog Log { get; private set; }
    public string Directory => _dir.File("audit");
    public string WalDirectory => Path.Combine(Directory, "wal");
    public string BlockDirectory => Path.Combine(Directory, "blocks");

    public AuditLog Open(bool sealOnDispose = false) => AuditLog.Open(new AuditLogOptions
    {
        Directory = Directory,
        Sync = SyncMode.None,
        BackgroundWork = false,
        SealOnDispose = sealOnDispose,
        Clock = Clock,
        ChunkBytes = _chunkBytes,
        WalSegmentBytes = WalSegmentBytes,
        CompressionQuality = 1,
    });

    /// <summary>Closes the log without sealing (what a crash leaves, minus a torn tail) and opens it again.</summary>
    public async Task ReopenAsync(bool sealOnDispose = false)
    {
        await Log.DisposeAsync();
        Log = Open(sealOnDispose);
    }

    public async Task CloseAsync() => await Log.DisposeAsync();

    public void Reopen() => Log = Open();

    /// <summary>Appends an event named by <paramref name="id"/> at <paramref name="time"/>.</summary>
    public ValueTask AppendAsync(string id, DateTimeOffset time) => Log.AppendAsync(Event(id, time), CancellationToken.None);

    public static AuditEvent Event(string id, DateTimeOffset time) => new()
    {
        EventId = id,
        RequestId = "req-" + id,
        EventTime = time,
        EventSource = "monitoring.amazonaws.com",
        EventName = "PutMetricData",
        AwsRegion = "us-east-1",
        SourceIpAddress = "127.0.0.1",
        UserAgent = "aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12 prompt/off command/cloudwatch.put-metric-data",
        ReadOnly = false,
        HttpStatus = 200,
        Protocol = "AwsQuery",
        AccountId = "111111111111",
        UserName = "alice",
        PrincipalId = "AIDA3IMU5B5UTJJSW5PNO",
        Arn = "arn:aws:iam::111111111111:user/alice",
        AccessKeyId = "AKIAALICE00000000001",
        RequestParameters = """{"namespace":"MyApp"}"""u8.ToArray(),
    };

    /// <summary>The event ids a read returns, in its order.</summary>
    public static List<string> Ids(IEnumerable<AuditRecord> records) => [.. records.Select(r => r.Decode().EventId)];

    public List<string> AllIds() => Ids(Log.ReadAll());

    public string[] WalSegments() => [.. System.IO.Directory.GetFiles(WalDirectory, "*.wal").Order(StringComparer.Ordinal)];

    public string[] BlockFiles() => [.. System.IO.Directory.GetFiles(BlockDirectory).Order(StringComparer.Ordinal)];

    /// <summary>Where each record of the last WAL segment ends (docs/formats/wal.md).</summary>
    public List<long> RecordEnds()
    {
        var bytes = File.ReadAllBytes(WalSegments()[^1]);
        var ends = new List<long>();
        var offset = WalFormat.SegmentHeaderSize;
        while (offset + WalFormat.RecordHeaderSize <= bytes.Length)
        {
            var length = BitConverter.ToInt32(bytes, offset);
            if (length == 0)
            {
                break;
            }

            offset += WalFormat.RecordHeaderSize + length;
            ends.Add(offset);
        }

        return ends;
    }

    /// <summary>Writes a record cut short after the last whole one, as a crash in the middle of an append leaves it.</summary>
    public bool TearTail()
    {
        if (WalSegments().Length == 0)
        {
            return false;
        }

        var ends = RecordEnds();
        using var file = new FileStream(WalSegments()[^1], FileMode.Open, FileAccess.Write);
        file.Position = ends.Count > 0 ? ends[^1] : WalFormat.SegmentHeaderSize;
        file.Write([100, 0, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF, 1, (byte)'{', (byte)'"', (byte)'e']);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await Log.DisposeAsync();
        _dir.Dispose();
    }
}
