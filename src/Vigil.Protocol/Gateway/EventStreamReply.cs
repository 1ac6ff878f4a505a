using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Gateway;

/// <summary>
/// What a streaming handler hands the gateway once the call is accepted: the events to send, and the output's
/// non-stream members (RPC protocols send them first, as the initial-response event). The gateway enumerates
/// <see cref="Events"/> once, with the request's abort token, and disposes the enumerator when the client goes away.
/// </summary>
public abstract class EventStreamReply
{
    private protected EventStreamReply(object? initialOutput)
    {
        InitialOutput = initialOutput;
    }

    /// <summary>The output record without its event-stream member; null sends an empty initial-response.</summary>
    public object? InitialOutput { get; }

    /// <summary>The events, each an instance of the stream union; enumerate once.</summary>
    public abstract IAsyncEnumerable<object> Events { get; }

    /// <summary>The output member whose shape is the event-stream union (set at registration).</summary>
    internal Member StreamMember { get; set; } = null!;
}

/// <summary>
/// A typed reply: each <typeparamref name="TEvent"/> is an instance of the operation's event-stream union with
/// exactly one member set. A member whose shape is a modelled error (e.g. SessionTimeoutException) is sent as an
/// exception message and ends the stream.
/// </summary>
public sealed class EventStreamReply<TEvent>(IAsyncEnumerable<TEvent> events, object? initialOutput = null) : EventStreamReply(initialOutput)
    where TEvent : class
{
    // IAsyncEnumerable<T> is covariant, so a stream of records is a stream of objects without a copy.
    public override IAsyncEnumerable<object> Events => events;
}
