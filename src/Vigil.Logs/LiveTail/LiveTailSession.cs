using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.LiveTail;

/// <summary>
/// The events of one Live Tail session: SessionStart, then a SessionUpdate every <see cref="LiveTailOptions.UpdateInterval"/>
/// until the client leaves (the enumeration is cancelled) or <see cref="LiveTailOptions.SessionTimeout"/> passes
/// (SessionTimeoutException). A ticker task drains the subscription into a channel of at most
/// <see cref="LiveTailOptions.BufferedUpdates"/> updates that drops the oldest, so a client that reads slowly
/// loses old updates rather than making the server hold more. The subscription lives exactly as long as the
/// enumeration: taken before SessionStart is yielded, released in the iterator's finally.
/// </summary>
internal static class LiveTailSession
{
    public static async IAsyncEnumerable<StartLiveTailResponseStream> RunAsync(LiveTailHub hub, LiveTailSubscription subscription,
        LiveTailSessionStart start, LiveTailOptions options, TimeProvider time, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var updates = Channel.CreateBounded<StartLiveTailResponseStream>(new BoundedChannelOptions(options.BufferedUpdates)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        hub.Add(subscription);
        var ticker = TickAsync(subscription, updates.Writer, options, time, stop.Token);
        try
        {
            yield return new StartLiveTailResponseStream { SessionStart = start };
            await foreach (var update in updates.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            hub.Remove(subscription);
            await stop.CancelAsync().ConfigureAwait(false);
            await ticker.ConfigureAwait(false);
        }
    }

    private static async Task TickAsync(LiveTailSubscription subscription, ChannelWriter<StartLiveTailResponseStream> updates,
        LiveTailOptions options, TimeProvider time, CancellationToken ct)
    {
        var endsAt = time.GetUtcNow() + options.SessionTimeout;
        try
        {
            using var timer = new PeriodicTimer(options.UpdateInterval, time);
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                updates.TryWrite(new StartLiveTailResponseStream { SessionUpdate = subscription.Drain() });
                if (time.GetUtcNow() >= endsAt)
                {
                    updates.TryWrite(new StartLiveTailResponseStream
                    {
                        SessionTimeoutException = new SessionTimeoutException { Message = "The Live Tail session timed out after 3 hours." },
                    });
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The session ended (client gone).
        }
#pragma warning disable CA1031 // Failure policy: a ticker failure ends the session with the modelled SessionStreamingException.
        catch (Exception)
#pragma warning restore CA1031
        {
            updates.TryWrite(new StartLiveTailResponseStream
            {
                SessionStreamingException = new SessionStreamingException { Message = "An internal error ended the Live Tail session." },
            });
        }
        finally
        {
            updates.TryComplete();
        }
    }
}
