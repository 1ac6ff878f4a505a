using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Gateway;

/// <summary>A handler as the gateway calls it: input record in, output record (or null) out.</summary>
public delegate ValueTask<object?> OperationHandler(CallContext context, object input, CancellationToken cancellationToken);

/// <summary>
/// A data-plane fast path: reads the request body of one protocol directly (no generic decode into records). It
/// returns <see cref="RawCallResult.NotHandled"/> for anything it does not fully understand, and the gateway then
/// takes the generic path, so errors and edge cases behave exactly as there.
/// </summary>
public delegate ValueTask<RawCallResult> RawOperationHandler(CallContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);

/// <summary>What a fast path did: its output record and what the audit record shows as request parameters.</summary>
public readonly record struct RawCallResult(bool Handled, object? Output, object? AuditInput)
{
    public static RawCallResult NotHandled => default;
}

/// <summary>
/// The table of implemented operations. Services register typed handlers at start-up
/// (<c>Register&lt;GetCallerIdentityRequest, GetCallerIdentityResponse&gt;(…)</c>); the gateway looks them up per call.
/// Registration is not thread-safe; lookups are, once start-up is over.
/// </summary>
public sealed class OperationHandlers
{
    private readonly Dictionary<Operation, OperationHandler> _handlers = [];
    private readonly Dictionary<(Operation, WireProtocol), RawOperationHandler> _raw = [];
    private readonly Dictionary<Operation, Func<object, object>> _auditProjections = [];
    private readonly Dictionary<ServiceModel, string> _validationErrors = [];

    public void Register<TInput, TOutput>(ServiceModel service, string operationName, Func<CallContext, TInput, CancellationToken, ValueTask<TOutput>> handler)
        where TInput : class
        where TOutput : class
    {
        if (!service.Operations.TryGetValue(operationName, out var op))
        {
            throw new ArgumentException($"{service.ServiceId} has no operation {operationName}.", nameof(operationName));
        }
        if (op.Input?.Create?.Invoke() is not TInput)
        {
            throw new ArgumentException($"{operationName}'s input is not {typeof(TInput).Name}.", nameof(handler));
        }
        _handlers[op] = async (ctx, input, ct) => await handler(ctx, (TInput)input, ct).ConfigureAwait(false);
    }

    /// <summary>Registers a handler for an operation that has no output shape (e.g. PutMetricData).</summary>
    public void Register<TInput>(ServiceModel service, string operationName, Func<CallContext, TInput, CancellationToken, ValueTask> handler)
        where TInput : class =>
        Register<TInput, object>(service, operationName, async (ctx, input, ct) =>
        {
            await handler(ctx, input, ct).ConfigureAwait(false);
            return null!;
        });

    /// <summary>
    /// Registers an operation whose output has an event-stream member (StartLiveTail). <paramref name="open"/>
    /// runs where any handler runs, after decode and validation: whatever it throws before it returns is answered
    /// as a normal error in the protocol's envelope. Once it returns, the call is audited and the stream starts
    /// (200, <c>application/vnd.amazon.eventstream</c>); its events are flushed one by one until the sequence
    /// ends, sends a modelled exception, or the client disconnects (the enumeration is cancelled).
    /// </summary>
    public void RegisterStreaming<TInput, TEvent>(ServiceModel service, string operationName,
        Func<CallContext, TInput, CancellationToken, ValueTask<EventStreamReply<TEvent>>> open)
        where TInput : class
        where TEvent : class
    {
        var op = service.Operations.TryGetValue(operationName, out var found)
            ? found
            : throw new ArgumentException($"{service.ServiceId} has no operation {operationName}.", nameof(operationName));
        var stream = Array.Find(op.Output?.Members ?? [], m => m.Shape.IsEventStream)
            ?? throw new ArgumentException($"{operationName}'s output has no event-stream member.", nameof(operationName));
        if (stream.Shape.Create?.Invoke() is not TEvent)
        {
            throw new ArgumentException($"{operationName}'s event stream is not {typeof(TEvent).Name}.", nameof(open));
        }
        Register<TInput, EventStreamReply>(service, operationName, async (ctx, input, ct) =>
        {
            var reply = await open(ctx, input, ct).ConfigureAwait(false);
            reply.StreamMember = stream;
            return reply;
        });
    }

    public bool TryGet(Operation operation, out OperationHandler handler) => _handlers.TryGetValue(operation, out handler!);

    /// <summary>Adds a fast path for one protocol of an operation that already has a (generic) handler.</summary>
    public void RegisterRaw(ServiceModel service, string operationName, WireProtocol protocol, RawOperationHandler handler)
    {
        if (!service.Operations.TryGetValue(operationName, out var op) || !_handlers.ContainsKey(op))
        {
            throw new ArgumentException($"{service.ServiceId} {operationName} needs its generic handler first.", nameof(operationName));
        }
        _raw[(op, protocol)] = handler;
    }

    public bool TryGetRaw(Operation operation, WireProtocol protocol, out RawOperationHandler handler) => _raw.TryGetValue((operation, protocol), out handler!);

    /// <summary>
    /// What the audit record keeps of an operation's input, for data-plane writes whose full input would be
    /// megabytes of datapoints (CloudTrail likewise leaves oversized request parameters out).
    /// </summary>
    public void RegisterAuditProjection(ServiceModel service, string operationName, Func<object, object> projection) =>
        _auditProjections[service.Operations[operationName]] = projection;

    public object AuditInput(Operation operation, object input) =>
        _auditProjections.TryGetValue(operation, out var projection) ? projection(input) : input;

    /// <summary>
    /// The modelled error a service reports constraint failures under, where it is not the protocol's usual
    /// ValidationException: CloudWatch Logs answers "1 validation error detected: …" as InvalidParameterException.
    /// </summary>
    public void RegisterValidationError(ServiceModel service, string errorShapeName) => _validationErrors[service] = errorShapeName;

    public string? ValidationError(ServiceModel service) => _validationErrors.GetValueOrDefault(service);

}
