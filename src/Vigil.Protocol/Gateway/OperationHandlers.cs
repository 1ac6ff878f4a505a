using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Gateway;

/// <summary>A handler as the gateway calls it: input record in, output record (or null) out.</summary>
public delegate ValueTask<object?> OperationHandler(CallContext context, object input, CancellationToken cancellationToken);

/// <summary>
/// The table of implemented operations. Services register typed handlers at start-up
/// (<c>Register&lt;GetCallerIdentityRequest, GetCallerIdentityResponse&gt;(…)</c>); the gateway looks them up per call.
/// Registration is not thread-safe; lookups are, once start-up is over.
/// </summary>
public sealed class OperationHandlers
{
    private readonly Dictionary<Operation, OperationHandler> _handlers = [];

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

    public bool TryGet(Operation operation, out OperationHandler handler) => _handlers.TryGetValue(operation, out handler!);

}
