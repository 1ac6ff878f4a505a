using Vigil.Logs.Engine.Catalog;
using Vigil.Protocol.Gateway;

namespace Vigil.Logs.Api.Validation;

/// <summary>
/// CloudWatch Logs' rules beyond what the model's constraints say (the gateway checks those first): reserved names,
/// the retention values, tag keys, and how a log group is named in a request (a name or an ARN) — always within the
/// caller's account and region. (Identifier members' patterns refuse the <c>:*</c> form before a handler runs; a
/// resourceIdentifier may carry it.)
/// </summary>
internal static class LogRules
{
    /// <summary>The values PutRetentionPolicy accepts (days); no retention means events never expire.</summary>
    public static readonly int[] RetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    public const int MaxTags = 50;

    public static LogGroupKey Key(CallContext context, string name) => new(context.Identity.AccountId, context.Region, name);

    public static void CheckNewGroupName(string name)
    {
        if (name.StartsWith("aws/", StringComparison.OrdinalIgnoreCase))
        {
            throw LogsErrors.InvalidParameter("Log groups starting with AWS/ are reserved for AWS.");
        }
    }

    public static void CheckRetention(int days)
    {
        if (Array.IndexOf(RetentionDays, days) < 0)
        {
            throw LogsErrors.Constraint("retentionInDays", days, $"Member must satisfy enum value set: [{string.Join(", ", RetentionDays)}]");
        }
    }

    public static void CheckTagKeys(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw LogsErrors.InvalidParameter($"Tag key '{key}' is invalid: tag keys starting with 'aws:' are reserved for AWS.");
            }
        }
    }

    /// <summary>
    /// The group a request names by <c>logGroupName</c> or <c>logGroupIdentifier</c> (a name or an ARN): exactly one
    /// of the two. An ARN of another account or region names a group the caller cannot see.
    /// </summary>
    public static LogGroupKey Group(CallContext context, string? logGroupName, string? logGroupIdentifier)
    {
        if (logGroupName is not null && logGroupIdentifier is not null)
        {
            throw LogsErrors.InvalidParameter("LogGroupName and LogGroupIdentifier are mutually exclusive; specify only one of them.");
        }

        if (logGroupName is not null)
        {
            return Key(context, logGroupName);
        }

        if (logGroupIdentifier is null)
        {
            throw LogsErrors.InvalidParameter("Either LogGroupName or LogGroupIdentifier must be specified.");
        }

        return Identified(context, logGroupIdentifier);
    }

    /// <summary>A group by name or by ARN (<c>arn:aws:logs:REGION:ACCOUNT:log-group:NAME</c>, optionally ending in <c>:*</c>).</summary>
    public static LogGroupKey Identified(CallContext context, string identifier)
    {
        if (!identifier.StartsWith("arn:", StringComparison.Ordinal))
        {
            return Key(context, identifier);
        }

        if (!TryParseGroupArn(identifier, out var key))
        {
            throw LogsErrors.InvalidParameter($"Invalid log group ARN: {identifier}");
        }

        if (key.AccountId != context.Identity.AccountId || key.Region != context.Region)
        {
            throw LogsErrors.GroupNotFound();
        }

        return key;
    }

    /// <summary>Parses a log group ARN; false for anything else (a destination, a stream, a malformed ARN).</summary>
    public static bool TryParseGroupArn(string arn, out LogGroupKey key)
    {
        key = default;
        // arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*]
        var parts = arn.Split(':', 7);
        if (parts.Length != 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" || parts[3].Length == 0 || parts[4].Length == 0)
        {
            return false;
        }

        var name = parts[6].EndsWith(":*", StringComparison.Ordinal) ? parts[6][..^2] : parts[6];
        if (name.Length == 0 || name.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }

        key = new LogGroupKey(parts[4], parts[3], name);
        return true;
    }

    /// <summary>The stream's ARN as DescribeLogStreams reports it.</summary>
    public static string StreamArn(LogGroupKey group, string streamName) => $"{group.Arn}:log-stream:{streamName}";
}
