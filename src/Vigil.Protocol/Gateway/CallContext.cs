using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Gateway;

/// <summary>Who is calling: the identity an access key maps to.</summary>
public sealed record CallerIdentity(string AccountId, string UserName, string Arn, string PrincipalId, string AccessKeyId);

/// <summary>Everything a handler may need about the call besides its input record. One per request.</summary>
public sealed class CallContext
{
    public required string RequestId { get; init; }
    public required CallerIdentity Identity { get; init; }
    /// <summary>The region the caller signed for; every resource is scoped by (account, region).</summary>
    public required string Region { get; init; }
    public required Operation Operation { get; init; }
    public required WireProtocol Protocol { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public string? SourceIp { get; init; }
    public string? UserAgent { get; init; }

    /// <summary>The request body's size as sent (before gzip is undone), for operations with their own size limit.</summary>
    public long RequestBytes { get; init; }

    public ServiceModel Service => Operation.Service;
}
