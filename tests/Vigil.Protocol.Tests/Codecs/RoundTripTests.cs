using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Codecs.AwsQuery;
using Vigil.Protocol.Codecs.RestJson;
using Vigil.Protocol.Codecs.RpcV2Cbor;
using Vigil.Protocol.Shapes;
using Vigil.Protocol.Tests.TestSupport;

namespace Vigil.Protocol.Tests.Codecs;

/// <summary>
/// Encode → decode gives back the same record, for random records of every input and output shape of every
/// service, in each protocol: awsJson, restJson1, RPCv2 CBOR, awsQuery requests (form) and responses (XML).
/// </summary>
public sealed class RoundTripTests
{
    private static readonly (ServiceModel Service, Operation Operation, Shape Shape)[] Shapes = [.. ShapeValues.AllOperationShapes()];

    private static void ForAllShapes(Func<Operation, Shape, object, string?> roundTrip, Func<Operation, Shape, bool>? where = null, int maxTests = 400)
    {
        var shapes = Shapes.Where(s => where?.Invoke(s.Operation, s.Shape) ?? true).ToArray();
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue - 1)), seed =>
        {
            var rng = new Random(seed);
            var (_, op, shape) = shapes[rng.Next(shapes.Length)];
            var value = ShapeValues.Generate(shape, rng);
            var difference = roundTrip(op, shape, value);
            if (difference is not null)
            {
                throw new InvalidOperationException($"{op} {shape.Name} (seed {seed}): {difference}");
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTests), property);
    }

    [Fact]
    public void Json_round_trips_every_shape()
    {
        ForAllShapes((op, shape, value) =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonShapeWriter.Write(writer, value, shape);
            }
            var back = JsonShapeReader.Read(buffer.WrittenSpan, shape);
            return ShapeValues.Difference(value, back, shape);
        });
    }

    [Fact]
    public void Cbor_round_trips_every_shape()
    {
        ForAllShapes((op, shape, value) =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            CborShapeWriter.Write(new CborWriter(buffer), value, shape);
            var back = CborShapeReader.Read(buffer.WrittenSpan, shape);
            return ShapeValues.Difference(value, back, shape);
        });
    }

    [Fact]
    public void Query_request_form_round_trips_every_input()
    {
        ForAllShapes((op, shape, value) =>
        {
            var form = QueryFormWriter.Write(op, value);
            var request = new WireRequest { Method = "POST", Path = "/", Header = _ => null, Body = Encoding.UTF8.GetBytes(form) };
            var parameters = AwsQueryCodec.ParseParameters(request);
            parameters.Child("Action")!.Value.ShouldBe(op.Name);
            var back = AwsQueryCodec.DecodeInput(op, parameters);
            return ShapeValues.Difference(value, back, shape);
        }, where: (op, shape) => ReferenceEquals(shape, op.Input) && op.Service.Speaks(WireProtocol.AwsQuery));
    }

    [Fact]
    public void Query_response_xml_round_trips_every_output()
    {
        ForAllShapes((op, shape, value) =>
        {
            var response = new WireResponse();
            AwsQueryCodec.Instance.WriteOutput(op, value, "req-1", response);
            var doc = XDocument.Parse(Encoding.UTF8.GetString(response.Body.Span), LoadOptions.PreserveWhitespace);
            var root = doc.Root!;
            root.Name.LocalName.ShouldBe(op.Name + "Response");
            var result = root.Element(root.Name.Namespace + (op.ResultWrapper ?? op.Name + "Result"))!;
            root.Element(root.Name.Namespace + "ResponseMetadata")!.Value.ShouldBe("req-1");
            var back = XmlShapeReader.ReadStructure(result, shape);
            return ShapeValues.Difference(value, back, shape);
        }, where: (op, shape) => ReferenceEquals(shape, op.Output) && op.Service.Speaks(WireProtocol.AwsQuery));
    }

    [Fact]
    public void RestJson_round_trips_inputs_with_path_query_and_header_members()
    {
        // Every rest-json operation whose input binds members outside the body.
        foreach (var service in Vigil.Protocol.Gateway.ServiceCatalog.All.Services.Where(s => s.Speaks(WireProtocol.RestJson1)))
        {
            var router = new RestJsonRouter(service);
            foreach (var op in service.Operations.Values.Where(o => o.Input is not null))
            {
                var rng = new Random(op.Name.Length);
                var input = ShapeValues.Generate(op.Input!, rng);
                var path = op.RequestUri.Split('?')[0];
                var query = new List<string>();
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var m in op.Input!.Members)
                {
                    if (m.Location == MemberLocation.Body || m.Shape.Type is not (ShapeType.String or ShapeType.Integer or ShapeType.Boolean))
                    {
                        continue;
                    }
                    var text = m.Shape.Type switch
                    {
                        ShapeType.String => m.Shape.EnumValues?[0] ?? "v-" + m.Name,
                        ShapeType.Integer => "7",
                        _ => "true",
                    };
                    m.Set(input, m.Shape.Type switch { ShapeType.String => text, ShapeType.Integer => 7, _ => (object)true });
                    switch (m.Location)
                    {
                        case MemberLocation.Uri:
                            path = path.Replace("{" + m.WireName + "+}", Uri.EscapeDataString(text), StringComparison.Ordinal)
                                       .Replace("{" + m.WireName + "}", Uri.EscapeDataString(text), StringComparison.Ordinal);
                            break;
                        case MemberLocation.QueryString:
                            query.Add(Uri.EscapeDataString(m.WireName) + "=" + Uri.EscapeDataString(text));
                            break;
                        case MemberLocation.Header:
                            headers[m.WireName] = text;
                            break;
                    }
                }
                if (path.Contains('{', StringComparison.Ordinal))
                {
                    continue; // a label bound to a non-string member; not generated here
                }
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    JsonShapeWriter.Write(writer, input, op.Input);
                }
                router.TryMatch(op.HttpMethod, path, out var matched, out var labels).ShouldBeTrue($"{op} {path}");
                matched.ShouldBe(op, $"{op.HttpMethod} {path}");
                var request = new WireRequest
                {
                    Method = op.HttpMethod,
                    Path = path,
                    Query = string.Join('&', query),
                    Header = h => headers.GetValueOrDefault(h),
                    PathLabels = labels,
                    Body = buffer.WrittenMemory,
                };
                var back = RestJsonCodec.Instance.DecodeInput(op, request);
                foreach (var m in op.Input.Members.Where(m => m.Location != MemberLocation.Body))
                {
                    if (m.Shape.Type is ShapeType.String or ShapeType.Integer or ShapeType.Boolean)
                    {
                        m.Get(back).ShouldBe(m.Get(input), $"{op}.{m.Name}");
                    }
                }
            }
        }
    }
}
