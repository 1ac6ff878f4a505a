using Vigil.Logs.Api.Paging;
using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api;

/// <summary>
/// DescribeLogGroups: the caller's groups in the region, ASCII-sorted by name, filtered by a name prefix or a
/// case-sensitive substring (logGroupNamePattern, which also trims each group to name, ARN and creation time, as
/// documented), a log group class, or a list of names/ARNs (which allows no other filter); 50 a page by default.
/// Vigil has no linked source accounts: includeLinkedAccounts only ever finds the caller's own groups.
/// </summary>
internal sealed class DescribeLogGroupsHandler(LogStore store)
{
    public const int DefaultLimit = 50;

    public ValueTask<DescribeLogGroupsResponse> HandleAsync(CallContext context, DescribeLogGroupsRequest input, CancellationToken ct)
    {
        var account = context.Identity.AccountId;
        if (input.LogGroupNamePrefix is not null && input.LogGroupNamePattern is not null)
        {
            throw LogsErrors.InvalidParameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
        }

        if (input.LogGroupIdentifiers is not null && (input.LogGroupNamePrefix is not null || input.LogGroupNamePattern is not null || input.LogGroupClass is not null))
        {
            throw LogsErrors.InvalidParameter("logGroupIdentifiers cannot be combined with logGroupNamePrefix, logGroupNamePattern or logGroupClass.");
        }

        var output = new DescribeLogGroupsResponse { LogGroups = [] };
        if (input.IncludeLinkedAccounts == true && input.AccountIdentifiers is { Count: > 0 } accounts && !accounts.Contains(account))
        {
            return ValueTask.FromResult(output);
        }

        var names = input.LogGroupIdentifiers?.Select(id => LogRules.TryParseGroupArn(id, out var key) ? key : LogRules.Key(context, id)).ToHashSet();
        var fingerprint = Fingerprint.Of(account, context.Region, input.LogGroupNamePrefix, input.LogGroupNamePattern, input.LogGroupClass,
            names is null ? null : string.Join('\u0003', names.Select(k => k.Arn).Order(StringComparer.Ordinal)));
        var after = input.NextToken is { } token ? ListToken.Read(token, fingerprint) : null;
        var limit = input.Limit ?? DefaultLimit;
        var trimmed = input.LogGroupNamePattern is not null;
        var page = 0;
        foreach (var group in store.ListLogGroups(account, context.Region))
        {
            if ((after is not null && string.CompareOrdinal(group.Name, after) <= 0)
                || (input.LogGroupNamePrefix is { } prefix && !group.Name.StartsWith(prefix, StringComparison.Ordinal))
                || (input.LogGroupNamePattern is { } pattern && !group.Name.Contains(pattern, StringComparison.Ordinal))
                || (input.LogGroupClass is { } cls && group.LogGroupClass != cls)
                || (names is not null && !names.Contains(group.Key)))
            {
                continue;
            }

            if (page == limit)
            {
                output.NextToken = ListToken.Create(fingerprint, output.LogGroups[^1].LogGroupName!);
                break;
            }

            output.LogGroups.Add(trimmed ? Trimmed(group) : Describe(group));
            page++;
        }

        return ValueTask.FromResult(output);
    }

    public static LogGroup Describe(LogGroupInfo group) => new()
    {
        LogGroupName = group.Name,
        CreationTime = group.CreationTime,
        RetentionInDays = group.RetentionInDays,
        MetricFilterCount = 0,
        Arn = group.Key.Arn + ":*",
        StoredBytes = group.StoredBytes,
        KmsKeyId = group.KmsKeyId,
        LogGroupClass = group.LogGroupClass,
        LogGroupArn = group.Key.Arn,
        DeletionProtectionEnabled = group.DeletionProtection,
    };

    private static LogGroup Trimmed(LogGroupInfo group) => new()
    {
        LogGroupName = group.Name,
        CreationTime = group.CreationTime,
        Arn = group.Key.Arn + ":*",
    };
}
