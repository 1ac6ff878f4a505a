using Vigil.Logs.Api.FastPath;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Logs.FilterPatterns;
using Vigil.Logs.LiveTail;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api;

/// <summary>The CloudWatch Logs operations, registered with the gateway over one <see cref="LogStore"/>.</summary>
public static class LogsApi
{
    public static void Register(OperationHandlers handlers, LogStore store, LiveTailHub liveTail)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(liveTail);
        var service = LogsModel.Service;
        // CloudWatch Logs reports model constraint failures ("1 validation error detected: …") as InvalidParameterException.
        handlers.RegisterValidationError(service, "InvalidParameterException");

        var groups = new LogGroupsHandler(store);
        handlers.Register<CreateLogGroupRequest>(service, "CreateLogGroup", groups.CreateLogGroupAsync);
        handlers.Register<DeleteLogGroupRequest>(service, "DeleteLogGroup", groups.DeleteLogGroupAsync);
        handlers.Register<PutRetentionPolicyRequest>(service, "PutRetentionPolicy", groups.PutRetentionPolicyAsync);
        handlers.Register<DeleteRetentionPolicyRequest>(service, "DeleteRetentionPolicy", groups.DeleteRetentionPolicyAsync);
        handlers.Register<AssociateKmsKeyRequest>(service, "AssociateKmsKey", groups.AssociateKmsKeyAsync);
        handlers.Register<DisassociateKmsKeyRequest>(service, "DisassociateKmsKey", groups.DisassociateKmsKeyAsync);
        handlers.Register<PutLogGroupDeletionProtectionRequest>(service, "PutLogGroupDeletionProtection", groups.PutLogGroupDeletionProtectionAsync);
        handlers.Register<DescribeLogGroupsRequest, DescribeLogGroupsResponse>(service, "DescribeLogGroups", new DescribeLogGroupsHandler(store).HandleAsync);

        var tags = new TagsHandler(store);
        handlers.Register<TagResourceRequest>(service, "TagResource", tags.TagResourceAsync);
        handlers.Register<UntagResourceRequest>(service, "UntagResource", tags.UntagResourceAsync);
        handlers.Register<ListTagsForResourceRequest, ListTagsForResourceResponse>(service, "ListTagsForResource", tags.ListTagsForResourceAsync);
        handlers.Register<TagLogGroupRequest>(service, "TagLogGroup", tags.TagLogGroupAsync);
        handlers.Register<UntagLogGroupRequest>(service, "UntagLogGroup", tags.UntagLogGroupAsync);
        handlers.Register<ListTagsLogGroupRequest, ListTagsLogGroupResponse>(service, "ListTagsLogGroup", tags.ListTagsLogGroupAsync);

        var streams = new LogStreamsHandler(store);
        handlers.Register<CreateLogStreamRequest>(service, "CreateLogStream", streams.CreateLogStreamAsync);
        handlers.Register<DeleteLogStreamRequest>(service, "DeleteLogStream", streams.DeleteLogStreamAsync);
        handlers.Register<DescribeLogStreamsRequest, DescribeLogStreamsResponse>(service, "DescribeLogStreams", streams.DescribeLogStreamsAsync);

        handlers.Register<PutLogEventsRequest, PutLogEventsResponse>(service, "PutLogEvents", new PutLogEventsHandler(store).HandleAsync);
        handlers.RegisterRaw(service, "PutLogEvents", WireProtocol.AwsJson1_1, new PutLogEventsFastPath(store).HandleAsync);
        // The audit record keeps where the events went, not the events (up to 10,000 and 1 MB a call).
        handlers.RegisterAuditProjection(service, "PutLogEvents", static input => new PutLogEventsRequest
        {
            LogGroupName = ((PutLogEventsRequest)input).LogGroupName,
            LogStreamName = ((PutLogEventsRequest)input).LogStreamName,
        });
        handlers.Register<GetLogEventsRequest, GetLogEventsResponse>(service, "GetLogEvents", new GetLogEventsHandler(store).HandleAsync);
        handlers.Register<FilterLogEventsRequest, FilterLogEventsResponse>(service, "FilterLogEvents", new FilterLogEventsHandler(store).HandleAsync);

        // Live Tail: every acknowledged append is offered to the hub, which decodes it only when someone listens.
        store.Appended = (key, stream, batch, ingestionTime) =>
        {
            if (liveTail.SubscriberCount > 0)
            {
                liveTail.Publish(key.AccountId, key.Region, key.Name, stream, batch.Decode(ingestionTime));
            }
        };
        new StartLiveTailHandler(liveTail, ResolveLogGroup(store), CompileFilter, store.Clock).Register(handlers);

        Insights.InsightsApi.Register(handlers, store);
    }

    /// <summary>A log group ARN in the caller's account and region → the group's name, when it exists.</summary>
    private static Func<CallContext, string, string?> ResolveLogGroup(LogStore store) => (context, identifier) =>
        LogGroupArn.TryParse(identifier, out var arn)
        && store.GetLogGroup(new LogGroupKey(context.Identity.AccountId, context.Region, arn.Name)) is { } group
            ? group.Name
            : null;

    private static Func<string, bool> CompileFilter(string? pattern)
    {
        try
        {
            return FilterPattern.Parse(pattern).Matches;
        }
        catch (FilterPatternException e)
        {
            throw new ArgumentException($"Invalid filter pattern: {e.Message}", nameof(pattern), e);
        }
    }
}
