using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api;

/// <summary>
/// Tags on log groups: TagResource, UntagResource and ListTagsForResource by ARN (without <c>:*</c>, which the
/// model's pattern refuses, as AWS does), and the deprecated TagLogGroup, UntagLogGroup and ListTagsLogGroup by name.
/// A group holds at most 50 tags; keys starting with <c>aws:</c> are reserved. Log groups are the only taggable resource Vigil has (no destinations yet).
/// </summary>
internal sealed class TagsHandler(LogStore store)
{
    public ValueTask TagResourceAsync(CallContext context, TagResourceRequest input, CancellationToken ct)
    {
        var key = Resource(context, input.ResourceArn!);
        return Tag(key, input.Tags!, () => LogsErrors.TooManyTags(input.ResourceArn!), ct);
    }

    public ValueTask UntagResourceAsync(CallContext context, UntagResourceRequest input, CancellationToken ct) =>
        LogsErrors.Run(() => store.UntagLogGroupAsync(Resource(context, input.ResourceArn!), input.TagKeys!, ct));

    public ValueTask<ListTagsForResourceResponse> ListTagsForResourceAsync(CallContext context, ListTagsForResourceRequest input, CancellationToken ct) =>
        ValueTask.FromResult(new ListTagsForResourceResponse { Tags = Tags(Resource(context, input.ResourceArn!)) });

    public ValueTask TagLogGroupAsync(CallContext context, TagLogGroupRequest input, CancellationToken ct) =>
        Tag(LogRules.Key(context, input.LogGroupName!), input.Tags!, () => LogsErrors.InvalidParameter("A log group can have no more than 50 tags."), ct);

    public ValueTask UntagLogGroupAsync(CallContext context, UntagLogGroupRequest input, CancellationToken ct) =>
        LogsErrors.Run(() => store.UntagLogGroupAsync(LogRules.Key(context, input.LogGroupName!), input.Tags!, ct));

    public ValueTask<ListTagsLogGroupResponse> ListTagsLogGroupAsync(CallContext context, ListTagsLogGroupRequest input, CancellationToken ct) =>
        ValueTask.FromResult(new ListTagsLogGroupResponse { Tags = Tags(LogRules.Key(context, input.LogGroupName!)) });

    /// <summary>Adds or overwrites tags, refusing the whole call when the group would end up with more than 50.</summary>
    private ValueTask Tag(LogGroupKey key, Dictionary<string, string> tags, Func<AwsServiceException> tooMany, CancellationToken ct)
    {
        LogRules.CheckTagKeys(tags.Keys);
        var existing = store.GetLogGroup(key) ?? throw LogsErrors.GroupNotFound();
        if (existing.Tags.Count + tags.Keys.Count(k => !existing.Tags.ContainsKey(k)) > LogRules.MaxTags)
        {
            throw tooMany();
        }

        return LogsErrors.Run(() => store.TagLogGroupAsync(key, tags, ct));
    }

    private Dictionary<string, string> Tags(LogGroupKey key) =>
        new((store.GetLogGroup(key) ?? throw LogsErrors.GroupNotFound()).Tags, StringComparer.Ordinal);

    /// <summary>The log group a resource ARN names; another account's or region's resource is not found.</summary>
    private static LogGroupKey Resource(CallContext context, string arn)
    {
        if (!arn.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw LogsErrors.InvalidParameter($"Invalid resource ARN: {arn}");
        }

        if (!LogRules.TryParseGroupArn(arn, out _))
        {
            // A well-formed ARN of something Vigil does not keep (a destination, a delivery source …).
            throw AwsNotFound();
        }

        return LogRules.Identified(context, arn);
    }

    private static AwsServiceException AwsNotFound() =>
        AwsServiceException.FromModel(LogsModel.Service, "ResourceNotFoundException", "The specified resource does not exist.");
}
