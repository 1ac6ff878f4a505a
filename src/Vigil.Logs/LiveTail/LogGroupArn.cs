namespace Vigil.Logs.LiveTail;

/// <summary>A log group ARN, <c>arn:{partition}:logs:{region}:{account}:log-group:{name}</c>, as StartLiveTail takes them.</summary>
public readonly record struct LogGroupArn(string Partition, string Region, string AccountId, string Name)
{
    private const string Resource = "log-group:";

    /// <summary>Parses an ARN; the name may itself hold ':' only if it did not end with ":*" (the wildcard form).</summary>
    public static bool TryParse(string value, out LogGroupArn arn)
    {
        arn = default;
        var parts = value.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "logs" || parts[1].Length == 0
            || !parts[5].StartsWith(Resource, StringComparison.Ordinal))
        {
            return false;
        }
        var name = parts[5][Resource.Length..];
        if (name.Length == 0)
        {
            return false;
        }
        arn = new LogGroupArn(parts[1], parts[3], parts[4], name);
        return true;
    }
}
