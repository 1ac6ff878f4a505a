using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.RpcV2Cbor;

/// <summary>
/// Smithy RPC v2 CBOR (CloudWatch from the Go, Ruby, PHP and Swift SDKs). Every reply, errors included, is
/// CBOR with smithy-protocol: rpc-v2-cbor: a non-CBOR error body crashes botocore and the JS SDK (§3.4).
/// </summary>
public sealed class RpcV2CborCodec : IProtocolCodec
{
    public static readonly RpcV2CborCodec Instance = new();

    public WireProtocol Protocol => WireProtocol.RpcV2Cbor;

    public object DecodeInput(Operation operation, WireRequest request) =>
        operation.Input is null ? new object() : CborShapeReader.Read(request.Body.Span, operation.Input);

    public void WriteOutput(Operation operation, object? output, string requestId, WireResponse response)
    {
        response.Status = operation.SuccessStatus;
        Headers(response);
        var w = new CborWriter(response);
        if (output is null || operation.Output is null)
        {
            w.WriteStartMap(0);
        }
        else
        {
            CborShapeWriter.Write(w, output, operation.Output);
        }
    }

    public void WriteError(ServiceModel? service, AwsServiceException error, string requestId, WireResponse response)
    {
        response.Status = error.Status;
        Headers(response);
        JsonErrorBody.AddQueryErrorHeader(service, error, response);
        var w = new CborWriter(response);
        var extra = 0;
        if (error.Detail is not null && error.Shape is not null)
        {
            foreach (var m in error.Shape.Members)
            {
                if (!IsMessage(m) && m.Get(error.Detail) is not null)
                {
                    extra++;
                }
            }
        }
        w.WriteStartMap(2 + extra);
        w.WriteTextString("__type"u8);
        // RPCv2 CBOR always carries the Smithy-qualified type.
        w.WriteTextString(((service?.SmithyNamespace ?? "com.amazonaws") + "#" + error.Code).AsSpan());
        w.WriteTextString("message"u8);
        w.WriteTextString(error.Message.AsSpan());
        if (extra > 0)
        {
            foreach (var m in error.Shape!.Members)
            {
                if (!IsMessage(m) && m.Get(error.Detail!) is { } v)
                {
                    w.WriteTextString((ReadOnlySpan<byte>)m.WireNameUtf8);
                    CborShapeWriter.Write(w, v, m.Shape);
                }
            }
        }
    }

    private static bool IsMessage(Member m) => string.Equals(m.Name, "message", StringComparison.OrdinalIgnoreCase);

    private static void Headers(WireResponse response)
    {
        response.ContentType = "application/cbor";
        response.AddHeader("smithy-protocol", "rpc-v2-cbor");
    }
}
