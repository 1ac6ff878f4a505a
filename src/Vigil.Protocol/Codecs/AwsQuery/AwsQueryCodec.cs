using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.AwsQuery;

/// <summary>
/// awsQuery: form-encoded parameters in (body, or the query string for GET and presigned URLs), XML out.
/// Success is &lt;{Op}Response&gt;&lt;{Op}Result&gt;…&lt;/…&gt;&lt;ResponseMetadata&gt;; errors are &lt;ErrorResponse&gt;
/// with the query code (protocol-notes §3.1).
/// </summary>
public sealed class AwsQueryCodec : IProtocolCodec
{
    public static readonly AwsQueryCodec Instance = new();

    public WireProtocol Protocol => WireProtocol.AwsQuery;

    /// <summary>Parses every parameter of the request: the query string first, then the form body.</summary>
    public static QueryNode ParseParameters(WireRequest request)
    {
        var root = QueryParameters.Parse(request.Query);
        if (!request.Body.IsEmpty)
        {
            QueryParameters.Parse(request.Body.Span, root);
        }
        return root;
    }

    public object DecodeInput(Operation operation, WireRequest request) =>
        DecodeInput(operation, ParseParameters(request));

    public static object DecodeInput(Operation operation, QueryNode parameters) =>
        operation.Input is null ? new object() : QueryShapeReader.ReadStructure(parameters, operation.Input, "");

    public void WriteOutput(Operation operation, object? output, string requestId, WireResponse response)
    {
        response.Status = operation.SuccessStatus;
        response.ContentType = "text/xml";
        var ns = operation.Service.XmlNamespace;
        var root = operation.Name + "Response";
        Utf8Text.Raw(response, "<"u8);
        Utf8Text.Text(response, root);
        if (ns is not null)
        {
            Utf8Text.Raw(response, " xmlns=\""u8);
            Utf8Text.XmlEscaped(response, ns);
            Utf8Text.Raw(response, "\""u8);
        }
        Utf8Text.Raw(response, ">"u8);
        if (output is not null && operation.Output is not null)
        {
            var wrapper = operation.ResultWrapper ?? operation.Name + "Result";
            XmlShapeWriter.Open(response, wrapper);
            XmlShapeWriter.WriteMembers(response, output, operation.Output);
            XmlShapeWriter.Close(response, wrapper);
        }
        Utf8Text.Raw(response, "<ResponseMetadata><RequestId>"u8);
        Utf8Text.Text(response, requestId);
        Utf8Text.Raw(response, "</RequestId></ResponseMetadata></"u8);
        Utf8Text.Text(response, root);
        Utf8Text.Raw(response, ">"u8);
    }

    public void WriteError(ServiceModel? service, AwsServiceException error, string requestId, WireResponse response)
    {
        response.Status = error.Status;
        response.ContentType = "text/xml";
        Utf8Text.Raw(response, "<ErrorResponse"u8);
        if (service?.XmlNamespace is { } ns)
        {
            Utf8Text.Raw(response, " xmlns=\""u8);
            Utf8Text.XmlEscaped(response, ns);
            Utf8Text.Raw(response, "\""u8);
        }
        Utf8Text.Raw(response, "><Error><Type>"u8);
        Utf8Text.Raw(response, error.SenderFault ? "Sender"u8 : "Receiver"u8);
        Utf8Text.Raw(response, "</Type><Code>"u8);
        Utf8Text.XmlEscaped(response, error.QueryCode);
        Utf8Text.Raw(response, "</Code><Message>"u8);
        Utf8Text.XmlEscaped(response, error.Message);
        Utf8Text.Raw(response, "</Message>"u8);
        if (error.Detail is not null && error.Shape is not null)
        {
            foreach (var m in error.Shape.Members)
            {
                if (!string.Equals(m.Name, "message", StringComparison.OrdinalIgnoreCase) && m.Get(error.Detail) is { } v)
                {
                    XmlShapeWriter.WriteMember(response, m, v);
                }
            }
        }
        Utf8Text.Raw(response, "</Error><RequestId>"u8);
        Utf8Text.Text(response, requestId);
        Utf8Text.Raw(response, "</RequestId></ErrorResponse>"u8);
    }
}
