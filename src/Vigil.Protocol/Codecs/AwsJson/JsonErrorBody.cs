using System.Text.Json;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.AwsJson;

/// <summary>The JSON error body shared by awsJson and restJson1: {"__type": …, "message": …, extra members}.</summary>
public static class JsonErrorBody
{
    public static void Write(Utf8JsonWriter writer, ServiceModel? service, AwsServiceException error, bool includeType)
    {
        writer.WriteStartObject();
        if (includeType)
        {
            writer.WriteString("__type"u8, ErrorType(service, error));
        }
        // The message key follows the error shape (CloudTrail models "Message"); clients read either case.
        var messageKey = "message";
        if (error.Shape is not null)
        {
            foreach (var m in error.Shape.Members)
            {
                if (string.Equals(m.Name, "message", StringComparison.OrdinalIgnoreCase))
                {
                    messageKey = m.WireName;
                }
            }
        }
        writer.WriteString(messageKey, error.Message);
        if (error.Detail is not null && error.Shape is not null)
        {
            foreach (var m in error.Shape.Members)
            {
                if (string.Equals(m.Name, "message", StringComparison.OrdinalIgnoreCase) || m.Get(error.Detail) is not { } v)
                {
                    continue;
                }
                writer.WritePropertyName(m.WireNameUtf8);
                JsonShapeWriter.Write(writer, v, m.Shape);
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>awsQueryCompatible services qualify the type with their Smithy namespace; the others use the bare name.</summary>
    public static string ErrorType(ServiceModel? service, AwsServiceException error) =>
        service is { AwsQueryCompatible: true } ? service.SmithyNamespace + "#" + error.Code : error.Code;

    /// <summary>x-amzn-query-error lets botocore map JSON/CBOR errors of query-compatible services to the query code.</summary>
    public static void AddQueryErrorHeader(ServiceModel? service, AwsServiceException error, WireResponse response)
    {
        if (service is { AwsQueryCompatible: true })
        {
            response.AddHeader("x-amzn-query-error", error.QueryCode + (error.SenderFault ? ";Sender" : ";Receiver"));
        }
    }
}
