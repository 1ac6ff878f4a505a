using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Gateway;

/// <summary>
/// One answered call, as the audit trail records it. Parameters are the decoded input as JSON; response
/// elements only for calls that change state (CloudTrail leaves them out of reads).
/// </summary>
public sealed record ServedCall(
    string RequestId,
    DateTimeOffset EventTime,
    string ServiceSigningName,
    string Operation,
    WireProtocol? Protocol,
    CallerIdentity? Identity,
    string? AccessKeyId,
    string Region,
    string? SourceIp,
    string? UserAgent,
    bool ReadOnly,
    int HttpStatus,
    string? ErrorCode,
    string? ErrorMessage,
    ReadOnlyMemory<byte> RequestParameters,
    ReadOnlyMemory<byte> ResponseElements);

/// <summary>
/// Receives every served call before the response is sent. The returned task completes once the record
/// is durable; the gateway answers the client only after that, so an acknowledged call is always audited.
/// </summary>
public interface IServedCallSink
{
    ValueTask RecordAsync(ServedCall call, CancellationToken cancellationToken);
}

/// <summary>
/// Maps access keys to secrets and identities. Implementations are thread-safe and cheap: every request
/// calls them.
/// </summary>
public interface ICredentialResolver
{
    bool TryResolve(string accessKeyId, out string secretKey, out CallerIdentity identity);

    /// <summary>The identity of unsigned calls the gateway admits (the X-Ray SDKs' sampling calls).</summary>
    CallerIdentity AnonymousIdentity { get; }

    /// <summary>In development mode, any key is accepted and signatures are not checked.</summary>
    bool SkipSignatureCheck { get; }
}
