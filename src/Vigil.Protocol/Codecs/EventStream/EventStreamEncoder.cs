using System.Buffers;
using System.Text.Json;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Codecs.RpcV2Cbor;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.EventStream;

/// <summary>
/// Turns the records of an event-stream union (e.g. Logs' StartLiveTailResponseStream) into framed messages, with
/// the payload in the protocol's encoding: JSON for awsJson and restJson1, CBOR for Smithy RPC v2. The union member
/// that is set names the message: an event (<c>:event-type</c> = member name) or, when the member's shape is an
/// error, a modelled exception (<c>:exception-type</c>). Event members are written whole as the payload; the
/// eventheader/eventpayload traits are not in our shape metadata (no operation served yet binds them).
/// Stateless per call, thread-safe.
/// </summary>
public sealed class EventStreamEncoder
{
    public const string ContentType = "application/vnd.amazon.eventstream";

    private static readonly JsonWriterOptions JsonOptions = new() { SkipValidation = true };

    private readonly WireProtocol _protocol;
    private readonly EventStreamHeader _payloadType;

    public EventStreamEncoder(WireProtocol protocol)
    {
        _protocol = protocol;
        _payloadType = EventStreamHeader.String(":content-type", protocol == WireProtocol.RpcV2Cbor ? "application/cbor" : "application/json");
    }

    /// <summary>
    /// RPC protocols (awsJson, RPC v2) send the output's non-stream members first as an <c>initial-response</c>
    /// event: botocore refuses a stream without it ("First event was not of type initial-response"). restJson1
    /// puts those members in HTTP headers instead.
    /// </summary>
    public bool SendsInitialResponse => _protocol is WireProtocol.AwsJson1_0 or WireProtocol.AwsJson1_1 or WireProtocol.RpcV2Cbor;

    /// <summary>The initial-response message: the output record without its stream member (null gives {}).</summary>
    public void WriteInitialResponse(IBufferWriter<byte> destination, object? output, Shape? outputShape)
    {
        var payload = new ArrayBufferWriter<byte>(64);
        WritePayload(payload, output, outputShape);
        EventStreamMessage.Write(destination,
            [EventStreamHeader.String(":message-type", "event"), EventStreamHeader.String(":event-type", "initial-response"), _payloadType],
            payload.WrittenSpan);
    }

    /// <summary>
    /// Writes the one member set in <paramref name="union"/>. Returns true when that member was a modelled
    /// exception, after which the stream must end.
    /// </summary>
    public bool WriteEvent(IBufferWriter<byte> destination, object union, Shape unionShape)
    {
        foreach (var member in unionShape.Members)
        {
            if (member.Get(union) is not { } value)
            {
                continue;
            }
            var payload = new ArrayBufferWriter<byte>(256);
            WritePayload(payload, value, member.Shape);
            var isException = member.Shape.Error is not null;
            EventStreamMessage.Write(destination, isException
                ? [EventStreamHeader.String(":message-type", "exception"), EventStreamHeader.String(":exception-type", member.WireName), _payloadType]
                : [EventStreamHeader.String(":message-type", "event"), EventStreamHeader.String(":event-type", member.WireName), _payloadType],
                payload.WrittenSpan);
            return isException;
        }
        throw new ArgumentException($"No member of the event-stream union {unionShape.Name} is set.", nameof(union));
    }

    /// <summary>
    /// An error the stream's model does not declare (the failure policy's InternalFailure): clients raise it
    /// from <c>:error-code</c> and <c>:error-message</c>. The stream ends after it.
    /// </summary>
    public static void WriteUnmodeledError(IBufferWriter<byte> destination, string code, string message) =>
        EventStreamMessage.Write(destination,
            [EventStreamHeader.String(":message-type", "error"), EventStreamHeader.String(":error-code", code), EventStreamHeader.String(":error-message", message)],
            []);

    private void WritePayload(ArrayBufferWriter<byte> payload, object? value, Shape? shape)
    {
        if (_protocol == WireProtocol.RpcV2Cbor)
        {
            var w = new CborWriter(payload);
            if (value is null || shape is null)
            {
                w.WriteStartMap(0);
            }
            else
            {
                CborShapeWriter.Write(w, value, shape);
            }
            return;
        }
        using var writer = new Utf8JsonWriter(payload, JsonOptions);
        if (value is null || shape is null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            JsonShapeWriter.Write(writer, value, shape);
        }
    }
}
