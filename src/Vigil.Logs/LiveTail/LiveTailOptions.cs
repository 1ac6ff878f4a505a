namespace Vigil.Logs.LiveTail;

/// <summary>Live Tail's limits as AWS documents them; tests shorten the times.</summary>
public sealed class LiveTailOptions
{
    /// <summary>A SessionUpdate goes out every second, even when empty.</summary>
    public TimeSpan UpdateInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Sessions end with SessionTimeoutException after three hours.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromHours(3);

    /// <summary>An update carries at most 500 events; more are sampled down to 500.</summary>
    public int MaxEventsPerUpdate { get; init; } = 500;

    /// <summary>
    /// Updates buffered for a client that reads slower than they are made; the oldest is dropped beyond this.
    /// With 500 events an update, 10 updates is also AWS's "or 5000 log events".
    /// </summary>
    public int BufferedUpdates { get; init; } = 10;
}
