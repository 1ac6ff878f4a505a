using System.Text.Json;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.AwsJson;

/// <summary>awsJson1_0 / awsJson1_1: operation in X-Amz-Target, JSON body in and out (protocol-notes §3.2).</summary>
public sealed class AwsJsonCodec : IProtocolCodec
{
    public static readonly AwsJsonCodec V1_0 = new(WireProtocol.AwsJson1_0, "application/x-amz-json-1.0");
    public static readonly AwsJsonCodec V1_1 = new(WireProtocol.AwsJson1_1, "application/x-amz-json-1.1");

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private readonly string _contentType;

    private AwsJsonCodec(WireProtocol protocol, string contentType)
    {
        Protocol = protocol;
        _contentType = contentType;
    }

    public WireProtocol Protocol { get; }

    public object DecodeInput(Operation operation, WireRequest request) =>
        operation.Input is null ? new object() : JsonShapeReader.Read(request.Body.Span, operation.Input);

    public void WriteOutput(Operation operation, object? output, string requestId, WireResponse response)
    {
        response.Status = operation.SuccessStatus;
        response.ContentType = _contentType;
        JsonShapeWriter.WriteBody(response, output, operation.Output);
    }

    public void WriteError(ServiceModel? service, AwsServiceException error, string requestId, WireResponse response)
    {
        response.Status = error.Status;
        response.ContentType = _contentType;
        JsonErrorBody.AddQueryErrorHeader(service, error, response);
        using var writer = new Utf8JsonWriter(response, WriterOptions);
        JsonErrorBody.Write(writer, service, error, includeType: true);
    }
}
