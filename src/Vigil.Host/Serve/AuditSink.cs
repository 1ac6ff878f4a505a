using Vigil.Audit.Engine;
using Vigil.Audit.Model;
using Vigil.Protocol.Gateway;

namespace Vigil.Host.Serve;

/// <summary>Turns the gateway's served calls into audit events (CloudTrail's shape) in the durable audit log.</summary>
internal sealed class AuditSink(AuditLog log) : IServedCallSink
{
    public ValueTask RecordAsync(ServedCall call, CancellationToken cancellationToken) =>
        log.AppendAsync(new AuditEvent
        {
            EventId = RequestIds.Next(),
            RequestId = call.RequestId,
            EventTime = call.EventTime,
            EventSource = call.ServiceSigningName + ".amazonaws.com",
            EventName = call.Operation,
            AwsRegion = call.Region,
            SourceIpAddress = call.SourceIp,
            UserAgent = call.UserAgent,
            ReadOnly = call.ReadOnly,
            ErrorCode = call.ErrorCode,
            ErrorMessage = call.ErrorMessage,
            HttpStatus = call.HttpStatus,
            Protocol = call.Protocol?.ToString(),
            AccountId = call.Identity?.AccountId,
            UserName = call.Identity?.UserName,
            PrincipalId = call.Identity?.PrincipalId,
            Arn = call.Identity?.Arn,
            AccessKeyId = call.AccessKeyId,
            RequestParameters = call.RequestParameters,
            ResponseElements = call.ResponseElements,
        }, cancellationToken);
}
