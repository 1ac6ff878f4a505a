namespace Vigil.Logs.Engine.Catalog;

/// <summary>A log group's identity: its name is unique per account and region.</summary>
public readonly record struct LogGroupKey(string AccountId, string Region, string Name)
{
    /// <summary>The ARN CloudWatch Logs reports in <c>logGroupArn</c> (no trailing <c>:*</c>).</summary>
    public string Arn => $"arn:aws:logs:{Region}:{AccountId}:log-group:{Name}";
}
