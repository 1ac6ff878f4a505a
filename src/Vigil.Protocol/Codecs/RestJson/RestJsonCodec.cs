using System.Text.Json;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Codecs.AwsQuery;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.RestJson;

/// <summary>
/// restJson1 (X-Ray and the other REST services): members bound to the path, query string and headers as the
/// model says, the rest in a JSON body; errors carry the code in x-amzn-ErrorType (protocol-notes §3.3).
/// </summary>
public sealed class RestJsonCodec : IProtocolCodec
{
    public static readonly RestJsonCodec Instance = new();

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public WireProtocol Protocol => WireProtocol.RestJson1;

    public object DecodeInput(Operation operation, WireRequest request)
    {
        if (operation.Input is null)
        {
            return new object();
        }
        var input = JsonShapeReader.Read(request.Body.Span, operation.Input);
        var labels = request.PathLabels;
        QueryNode? query = null;
        foreach (var m in operation.Input.Members)
        {
            string? text = null;
            switch (m.Location)
            {
                case MemberLocation.Uri:
                    if (labels is not null && labels.TryGetValue(m.WireName, out var label))
                    {
                        text = label;
                    }
                    break;
                case MemberLocation.QueryString:
                    query ??= QueryParameters.Parse(request.Query);
                    text = query.Child(m.WireName)?.Value;
                    break;
                case MemberLocation.Header:
                    text = request.Header(m.WireName);
                    break;
                default:
                    continue;
            }
            if (text is not null)
            {
                m.Set(input, ParseBound(text, m));
            }
        }
        return input;
    }

    private static object ParseBound(string text, Member m)
    {
        if (m.Shape.Type == ShapeType.List)
        {
            var list = m.Shape.CreateList!();
            foreach (var part in text.Split(','))
            {
                list.Add(ParseScalar(part.Trim(), m.Shape.Element!, m.Name));
            }
            return list;
        }
        return ParseScalar(text, m.Shape, m.Name);
    }

    private static object ParseScalar(string text, Shape shape, string name)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        try
        {
            return shape.Type switch
            {
                ShapeType.String => text,
                ShapeType.Boolean => bool.Parse(text),
                ShapeType.Integer => int.Parse(text, inv),
                ShapeType.Long => long.Parse(text, inv),
                ShapeType.Double => double.Parse(text, inv),
                ShapeType.Float => float.Parse(text, inv),
                ShapeType.Timestamp => Timestamps.TryParse(text, out var t) ? t : throw new FormatException(),
                _ => text,
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw GatewayErrors.Serialization($"Value '{text}' for {name} is not a valid {shape.Type}.");
        }
    }

    public void WriteOutput(Operation operation, object? output, string requestId, WireResponse response)
    {
        response.Status = operation.SuccessStatus;
        response.ContentType = "application/json";
        if (output is not null && operation.Output is not null)
        {
            foreach (var m in operation.Output.Members)
            {
                if (m.Location == MemberLocation.Header && m.Get(output) is { } v)
                {
                    response.AddHeader(m.WireName, XmlShapeWriter.FormatScalar(v, m.Shape));
                }
            }
        }
        JsonShapeWriter.WriteBody(response, output, operation.Output);
    }

    public void WriteError(ServiceModel? service, AwsServiceException error, string requestId, WireResponse response)
    {
        response.Status = error.Status;
        response.ContentType = "application/json";
        response.AddHeader("x-amzn-ErrorType", error.Code);
        using var writer = new Utf8JsonWriter(response, WriterOptions);
        JsonErrorBody.Write(writer, service, error, includeType: true);
    }
}
