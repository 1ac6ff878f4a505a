using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Protocol.Codecs.EventStream;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Gateway;

/// <summary>
/// Sends an accepted event-stream call: 200 with <c>application/vnd.amazon.eventstream</c> and no Content-Length
/// (HTTP/1.1 chunked), the initial-response for RPC protocols, then each event flushed as it is produced.
/// Failure policy once the stream has started (the status line is gone, so no error envelope is possible):
/// an <see cref="AwsServiceException"/> whose code is a modelled exception of the stream becomes that exception
/// message; any other failure is logged and sent as an unmodelled <c>InternalFailure</c> error message; a client
/// disconnect cancels the enumeration, which releases whatever the handler holds (its finally blocks run).
/// </summary>
internal static class EventStreamResponder
{
    public static async Task SendAsync(HttpContext http, RequestRoute route, EventStreamReply reply, string requestId, ILogger logger)
    {
        var ct = http.RequestAborted;
        var response = http.Response;
        response.StatusCode = 200;
        response.ContentType = EventStreamEncoder.ContentType;
        response.Headers["x-amzn-RequestId"] = requestId;
        if (route.Protocol == WireProtocol.RpcV2Cbor)
        {
            response.Headers["smithy-protocol"] = "rpc-v2-cbor";
        }

        var encoder = new EventStreamEncoder(route.Protocol);
        var unionShape = reply.StreamMember.Shape;
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            if (encoder.SendsInitialResponse)
            {
                encoder.WriteInitialResponse(buffer, reply.InitialOutput, route.Operation!.Output);
            }
            await FlushAsync(response, buffer, ct).ConfigureAwait(false);

            await foreach (var e in reply.Events.WithCancellation(ct).ConfigureAwait(false))
            {
                var ended = encoder.WriteEvent(buffer, e, unionShape);
                await FlushAsync(response, buffer, ct).ConfigureAwait(false);
                if (ended)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client closed the stream: the normal way a session ends.
        }
        catch (IOException) when (ct.IsCancellationRequested)
        {
            // Written as the connection dropped.
        }
        catch (AwsServiceException e)
        {
            buffer.Clear();
            if (ModelledException(unionShape, e) is { } union)
            {
                encoder.WriteEvent(buffer, union, unionShape);
            }
            else
            {
                EventStreamEncoder.WriteUnmodeledError(buffer, e.Code, e.Message);
            }
            await TryFlushAsync(response, buffer, ct).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The failure policy above: logged, sent as InternalFailure, never a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Event stream {RequestId} ({Operation}) failed", requestId, route.OperationName);
            buffer.Clear();
            var failure = GatewayErrors.InternalFailure();
            EventStreamEncoder.WriteUnmodeledError(buffer, failure.Code, failure.Message);
            await TryFlushAsync(response, buffer, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The stream union with its exception member of <paramref name="error"/>'s code set, or null when the stream declares no such exception.</summary>
    private static object? ModelledException(Shape unionShape, AwsServiceException error)
    {
        var member = Array.Find(unionShape.Members, m => m.Shape.Error is not null && string.Equals(m.Shape.Name, error.Code, StringComparison.Ordinal));
        if (member?.Shape.Create is null || unionShape.Create is null)
        {
            return null;
        }
        var exception = member.Shape.Create();
        Array.Find(member.Shape.Members, m => string.Equals(m.Name, "message", StringComparison.OrdinalIgnoreCase))?.Set(exception, error.Message);
        var union = unionShape.Create();
        member.Set(union, exception);
        return union;
    }

    private static async Task FlushAsync(HttpResponse response, ArrayBufferWriter<byte> buffer, CancellationToken ct)
    {
        if (buffer.WrittenCount > 0)
        {
            await response.Body.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
            buffer.Clear();
        }
        // Each event goes out as its own chunk now, not when Kestrel's buffer fills.
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private static async Task TryFlushAsync(HttpResponse response, ArrayBufferWriter<byte> buffer, CancellationToken ct)
    {
        try
        {
            await FlushAsync(response, buffer, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client is gone; nobody is left to tell.
        }
    }
}
