using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.LiveTail;

/// <summary>
/// StartLiveTail: checks the request as CloudWatch Logs does (log groups by ARN, in the caller's account and
/// region, existing; stream names or prefixes, not both, and only with one log group; a valid filter pattern),
/// answering any failure as a normal JSON error, then streams the session (<see cref="LiveTailSession"/>).
/// The log group lookup and the filter compiler are injected: the engine and the filter-pattern compiler own them.
/// </summary>
public sealed class StartLiveTailHandler(
    LiveTailHub hub,
    Func<CallContext, string, string?> resolveLogGroup,
    Func<string?, Func<string, bool>> compileFilter,
    TimeProvider time,
    LiveTailOptions? options = null)
{
    private readonly LiveTailOptions _options = options ?? new LiveTailOptions();

    public void Register(OperationHandlers handlers) =>
        handlers.RegisterStreaming<StartLiveTailRequest, StartLiveTailResponseStream>(LogsModel.Service, "StartLiveTail", OpenAsync);

    /// <summary>Validates and resolves the request; the returned stream subscribes when the gateway starts reading it.</summary>
    public ValueTask<EventStreamReply<StartLiveTailResponseStream>> OpenAsync(CallContext context, StartLiveTailRequest request, CancellationToken ct)
    {
        // The model has already checked counts (1..10 groups, 1..100 streams or prefixes), lengths and patterns.
        var identifiers = request.LogGroupIdentifiers!;
        var streamNames = request.LogStreamNames;
        var streamPrefixes = request.LogStreamNamePrefixes;
        if (streamNames is not null && streamPrefixes is not null)
        {
            throw LiveTailErrors.InvalidParameter("You can't specify both logStreamNames and logStreamNamePrefixes.");
        }
        if ((streamNames is not null || streamPrefixes is not null) && identifiers.Count != 1)
        {
            throw LiveTailErrors.InvalidParameter("logStreamNames and logStreamNamePrefixes can be specified only when logGroupIdentifiers holds exactly one log group.");
        }

        var groupNames = new List<string>(identifiers.Count);
        foreach (var identifier in identifiers)
        {
            groupNames.Add(ResolveGroup(context, identifier));
        }

        Func<string, bool> filter;
        try
        {
            filter = compileFilter(string.IsNullOrEmpty(request.LogEventFilterPattern) ? null : request.LogEventFilterPattern);
        }
        catch (ArgumentException e)
        {
            throw LiveTailErrors.InvalidParameter($"Invalid logEventFilterPattern: {e.Message}");
        }

        var subscription = new LiveTailSubscription(context.Identity.AccountId, context.Region, groupNames, streamNames, streamPrefixes,
            filter, _options.MaxEventsPerUpdate);
        var start = new LiveTailSessionStart
        {
            RequestId = context.RequestId,
            SessionId = Guid.NewGuid().ToString(),
            LogGroupIdentifiers = [.. identifiers],
            LogStreamNames = streamNames,
            LogStreamNamePrefixes = streamPrefixes,
            LogEventFilterPattern = request.LogEventFilterPattern,
        };
        var events = LiveTailSession.RunAsync(hub, subscription, start, _options, time, ct);
        return ValueTask.FromResult(new EventStreamReply<StartLiveTailResponseStream>(events));
    }

    private string ResolveGroup(CallContext context, string identifier)
    {
        // AWS takes ARNs here ("Specify each log group by its ARN"), not bare names, and no trailing wildcard.
        if (identifier.EndsWith('*'))
        {
            throw LiveTailErrors.InvalidParameter($"Log group ARN {identifier} can't end with an asterisk (*).");
        }
        if (!LogGroupArn.TryParse(identifier, out var arn))
        {
            throw LiveTailErrors.InvalidParameter($"{identifier} is not a log group ARN; specify each log group in logGroupIdentifiers by its ARN.");
        }
        // Other accounts' groups would need cross-account observability, which Vigil does not have.
        if (!string.Equals(arn.AccountId, context.Identity.AccountId, StringComparison.Ordinal)
            || !string.Equals(arn.Region, context.Region, StringComparison.Ordinal))
        {
            throw LiveTailErrors.LogGroupNotFound();
        }
        return resolveLogGroup(context, identifier) ?? throw LiveTailErrors.LogGroupNotFound();
    }
}
