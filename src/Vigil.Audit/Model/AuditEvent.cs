namespace Vigil.Audit.Model;

/// <summary>
/// One audited API call, with the fields of a CloudTrail management event. RequestParameters and
/// ResponseElements are JSON objects already (or empty), copied into the record as they are.
/// </summary>
public sealed record AuditEvent
{
    public required string EventId { get; init; }
    public required string RequestId { get; init; }
    public required DateTimeOffset EventTime { get; init; }
    /// <summary>e.g. monitoring.amazonaws.com.</summary>
    public required string EventSource { get; init; }
    public required string EventName { get; init; }
    public required string AwsRegion { get; init; }
    public string? SourceIpAddress { get; init; }
    public string? UserAgent { get; init; }
    public required bool ReadOnly { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public int HttpStatus { get; init; }
    /// <summary>The wire protocol the client spoke (awsQuery, awsJson1_0 …), for diagnosis.</summary>
    public string? Protocol { get; init; }

    // Who: absent when the caller could not be identified (unknown key, no signature).
    public string? AccountId { get; init; }
    public string? UserName { get; init; }
    public string? PrincipalId { get; init; }
    public string? Arn { get; init; }
    public string? AccessKeyId { get; init; }

    public ReadOnlyMemory<byte> RequestParameters { get; init; }
    public ReadOnlyMemory<byte> ResponseElements { get; init; }
}
