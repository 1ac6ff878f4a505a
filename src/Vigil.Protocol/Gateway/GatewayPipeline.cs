using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Codecs.AwsQuery;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;
using Vigil.Protocol.Validation;

namespace Vigil.Protocol.Gateway;

/// <summary>
/// The whole life of an AWS call, in order (STYLE.md §8):
/// read body → detect protocol and service → SigV4 → identity → operation → decode → validate → handler →
/// audit record queued → encode (while the record's group commit runs) → record durable → send (or, for event-stream
/// operations, stream: <see cref="EventStreamResponder"/>). Any <see cref="AwsServiceException"/> becomes the error
/// envelope of the client's protocol; anything else is logged and answered as InternalFailure, never a stack trace.
/// </summary>
public sealed class GatewayPipeline(
    ServiceCatalog catalog,
    OperationHandlers handlers,
    RequestAuthenticator authenticator,
    IServedCallSink audit,
    GatewayOptions options,
    TimeProvider time,
    ILogger<GatewayPipeline> logger)
{
    private static readonly JsonWriterOptions AuditJson = new() { SkipValidation = true };
    private readonly ProtocolDetector _detector = new(catalog);

    public async Task HandleAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        var requestId = RequestIds.Next();
        var received = time.GetUtcNow();
        using var response = new WireResponse();
        using var body = new BodyLease();
        RequestRoute? route = null;
        CallerIdentity? identity = null;
        string? accessKeyId = null;
        var region = options.DefaultRegion;
        object? input = null;
        object? output = null;
        AwsServiceException? error = null;
        EventStreamReply? stream = null;
        var audited = ValueTask.CompletedTask; // a success's record, queued before its answer is encoded
        var auditQueued = false;

        try
        {
            var raw = await RequestBody.ReadAsync(http.Request.BodyReader, http.Request.ContentLength, options.MaxBodyBytes, body, ct).ConfigureAwait(false);
            var headers = http.Request.Headers;
            var (path, query) = RawTarget(http);
            var request = new WireRequest
            {
                Method = http.Request.Method,
                Path = path,
                Query = query,
                Header = name => headers.TryGetValue(name, out var v) ? v.ToString() : null,
                // gzip is undone first; the signature is still checked over the bytes as sent.
                Body = RequestBody.Decode(raw, headers.ContentEncoding, options.MaxDecompressedBytes),
            };

            // 1. Which protocol, service and operation (the envelope of any later error depends on it).
            route = _detector.Detect(request);

            // 2. Signature and identity, before anything about the call is trusted.
            var auth = authenticator.Authenticate(request, raw, route);
            identity = auth.Identity;
            accessKeyId = auth.AccessKeyId;
            region = auth.Region ?? region;

            if (route.Error is not null)
            {
                throw route.Error;
            }
            var op = route.Operation!;
            if (!handlers.TryGet(op, out var handler))
            {
                throw GatewayErrors.NotImplemented(op);
            }

            var context = new CallContext
            {
                RequestId = requestId,
                Identity = identity!,
                Region = region,
                Operation = op,
                Protocol = route.Protocol,
                ReceivedAt = received,
                SourceIp = http.Connection.RemoteIpAddress?.ToString(),
                UserAgent = headers.UserAgent.ToString(),
                RequestBytes = raw.Length,
            };

            // 3. Data-plane fast path (it declines anything unusual, which then takes the generic path below).
            var handled = false;
            if (route.QueryParameters is null && handlers.TryGetRaw(op, route.Protocol, out var fastPath))
            {
                var result = await fastPath(context, request.Body, ct).ConfigureAwait(false);
                if (result.Handled)
                {
                    handled = true;
                    input = result.AuditInput;
                    output = result.Output;
                }
            }

            if (!handled)
            {
                // 4. Decode and validate before any work is done.
                input = route.QueryParameters is not null
                    ? AwsQueryCodec.DecodeInput(op, route.QueryParameters)
                    : route.Codec.DecodeInput(op, route.PathLabels is null ? request : request with { PathLabels = route.PathLabels });
                if (op.Input is not null)
                {
                    Validate(op, input);
                }

                // 5. The handler.
                output = await handler(context, input, ct).ConfigureAwait(false);
                input = handlers.AuditInput(op, input);
            }

            // 6. Encode: one body, or (event-stream operations) the stream's initial output, sent after the audit.
            if (output is EventStreamReply reply)
            {
                stream = reply;
                output = reply.InitialOutput;
            }
            else
            {
                // The record of a success is complete once the handler returns, so it goes to the log before the
                // answer is encoded and the fsync of its group commit overlaps the encoding (7. waits for it).
                audited = audit.RecordAsync(BuildAuditRecord(route, identity, accessKeyId, region, http, requestId, received, input, output, null, op.SuccessStatus), CancellationToken.None);
                auditQueued = true;
                route.Codec.WriteOutput(op, output, requestId, response);
            }
        }
        catch (AwsServiceException e)
        {
            error = e;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && !auditQueued)
        {
            return;
        }
        catch (BadHttpRequestException e)
        {
            // The client broke HTTP itself (e.g. closed mid-body): its fault, answered in the protocol's envelope.
            error = new AwsServiceException("IncompleteBody", e.Message, e.StatusCode);
        }
#pragma warning disable CA1031 // The gateway's failure policy: any other failure is logged and answered as InternalFailure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Request {RequestId} ({Operation}) failed", requestId, route?.OperationName);
            error = GatewayErrors.InternalFailure();
        }

        if (error is not null)
        {
            stream = null;
            response.Reset();
            var codec = route?.Codec ?? AwsJsonCodec.V1_1;
            codec.WriteError(route?.Service, error, requestId, response);
        }

        // 7. The audit record is durable before the client hears anything: an acknowledged call is always audited.
        // A streaming call is recorded once, as it starts (status 200); how its session ends is not audited. If
        // encoding failed after a success was recorded, the InternalFailure the client gets is recorded as well.
        try
        {
            var recordedEarly = auditQueued;
            if (auditQueued)
            {
                auditQueued = false;
                await audited.ConfigureAwait(false);
            }
            if (!recordedEarly || error is not null)
            {
                await audit.RecordAsync(BuildAuditRecord(route, identity, accessKeyId, region, http, requestId, received, input, output, error, response.Status), CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A call whose audit record cannot be made durable is not acknowledged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Audit record for {RequestId} could not be written", requestId);
            stream = null; // never enumerated, so nothing was subscribed
            response.Reset();
            (route?.Codec ?? AwsJsonCodec.V1_1).WriteError(route?.Service, new AwsServiceException("ServiceUnavailable", "The audit log is unavailable; the call was not acknowledged.", 503, senderFault: false), requestId, response);
        }

        if (stream is not null)
        {
            await EventStreamResponder.SendAsync(http, route!, stream, requestId, logger).ConfigureAwait(false);
            return;
        }
        await SendAsync(http, response, requestId).ConfigureAwait(false);
    }

    private void Validate(Operation op, object input)
    {
        var violations = ShapeValidator.Validate(input, op.Input!);
        if (violations.Count == 0)
        {
            return;
        }
        var service = op.Service;
        // Query services (CloudWatch) name a missing parameter with MissingParameter, as their model declares.
        if (violations[0].Missing && FindErrorByCode(service, "MissingParameter") is { } missing)
        {
            var name = violations[0].Path;
            throw AwsServiceException.FromModel(service, missing.Name, $"The parameter {char.ToUpperInvariant(name[0])}{name[1..]} is required.");
        }
        var message = ShapeValidator.Describe(violations);
        if (handlers.ValidationError(service) is { } shapeName)
        {
            throw AwsServiceException.FromModel(service, shapeName, message);
        }
        throw service.Speaks(WireProtocol.AwsQuery)
            ? new AwsServiceException("ValidationError", message)
            : new AwsServiceException("ValidationException", message);
    }

    private static Shape? FindErrorByCode(ServiceModel service, string code)
    {
        foreach (var e in service.Errors.Values)
        {
            if (e.Error is { } info && string.Equals(info.Code, code, StringComparison.Ordinal))
            {
                return e;
            }
        }
        return null;
    }

    private ServedCall BuildAuditRecord(RequestRoute? route, CallerIdentity? identity, string? accessKeyId, string region, HttpContext http,
        string requestId, DateTimeOffset received, object? input, object? output, AwsServiceException? error, int status)
    {
        var op = route?.Operation;
        var parameters = ReadOnlyMemory<byte>.Empty;
        var elements = ReadOnlyMemory<byte>.Empty;
        if (op?.Input is not null && input is not null)
        {
            parameters = ToJson(input, op.Input);
        }
        if (error is null && op is { ReadOnly: false, Output: not null } && output is not null)
        {
            elements = ToJson(output, op.Output);
        }
        return new ServedCall(
            requestId,
            received,
            route?.Service?.SigningName ?? route?.ScopeService ?? "unknown",
            route?.OperationName ?? "unknown",
            route?.Protocol,
            identity,
            accessKeyId ?? identity?.AccessKeyId,
            region,
            http.Connection.RemoteIpAddress?.ToString(),
            http.Request.Headers.UserAgent.ToString(),
            op?.ReadOnly ?? false,
            status,
            error?.Code,
            error?.Message,
            parameters,
            elements);
    }

    private static ReadOnlyMemory<byte> ToJson(object value, Shape shape)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, AuditJson))
        {
            JsonShapeWriter.Write(writer, value, shape);
        }
        return buffer.WrittenMemory;
    }

    private static async Task SendAsync(HttpContext http, WireResponse response, string requestId)
    {
        var r = http.Response;
        r.StatusCode = response.Status;
        r.ContentType = response.ContentType;
        r.Headers["x-amzn-RequestId"] = requestId;
        foreach (var h in response.Headers)
        {
            r.Headers.Append(h.Key, h.Value);
        }
        r.ContentLength = response.Length;
        await response.WriteToAsync(r.Body, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Path and query as the client sent them (percent-encoding intact), which is what the client signed.</summary>
    private static (string Path, string Query) RawTarget(HttpContext http)
    {
        var raw = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw) && raw[0] == '/')
        {
            var q = raw.IndexOf('?', StringComparison.Ordinal);
            return q >= 0 ? (raw[..q], raw[(q + 1)..]) : (raw, "");
        }
        var qs = http.Request.QueryString;
        return (http.Request.PathBase.Add(http.Request.Path).ToUriComponent(), qs.HasValue ? qs.Value![1..] : "");
    }
}
