using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Protocol.Codecs.RpcV2Cbor;
using Vigil.Protocol.Tests.SigV4;

using Vigil.Protocol.Tests.TestSupport;

namespace Vigil.Protocol.Tests.Codecs.RpcV2Cbor;

/// <summary>The CBOR examples of protocol-notes §3.4 and the forced-CBOR captures decode as the notes say.</summary>
public sealed class ProtocolNotesExamples
{
    internal const string RequestBody =
        "a26a416c61726d4e616d6573816b486967684c6174656e63796a4d61785265636f7264730a";

    internal const string SuccessBody =
        "a2714d657472696344617461526573756c747381a46249646265316a54696d657374616d707381c11a663186006656616c75657381fb4025"
        + "0000000000006a537461747573436f646568436f6d706c657465684d6573736167657380";

    internal const string ErrorBody =
        "a2665f5f747970657829636f6d2e616d617a6f6e6177732e636c6f75647761746368235265736f757263654e6f74466f756e64676d657373"
        + "616765781d44617368626f617264206d61696e20646f6573206e6f74206578697374";

    [Fact]
    public void Request_body_decodes()
    {
        CborDiagnostic.Decode(CborDiagnostic.Hex(RequestBody))
            .ShouldBe("{\"AlarmNames\": [\"HighLatency\"], \"MaxRecords\": 10}");
    }

    [Fact]
    public void Success_body_decodes()
    {
        CborDiagnostic.Decode(CborDiagnostic.Hex(SuccessBody)).ShouldBe(
            "{\"MetricDataResults\": [{\"Id\": \"e1\", \"Timestamps\": [1(1714521600)], \"Values\": [10.5], "
            + "\"StatusCode\": \"Complete\"}], \"Messages\": []}");
    }

    [Fact]
    public void Error_body_decodes()
    {
        CborDiagnostic.Decode(CborDiagnostic.Hex(ErrorBody)).ShouldBe(
            "{\"__type\": \"com.amazonaws.cloudwatch#ResourceNotFound\", \"message\": \"Dashboard main does not exist\"}");
    }

    public static TheoryData<string, int> CborCaptures()
    {
        TheoryData<string, int> data = new();
        foreach (CapturedRequest request in CapturedRequest.LoadAll())
        {
            if (request.CborAsJson is not null)
            {
                data.Add(request.File, request.Line);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CborCaptures))]
    public void Captured_cbor_bodies_decode_to_what_minicbor_saw(string file, int line)
    {
        CapturedRequest request = CapturedRequest.Load(file, line);
        CborReader reader = new(request.DecompressedBody);
        JsonNode? actual = ToJson(ref reader);
        reader.BytesRemaining.ShouldBe(0);

        // Compare as parsed JSON so 4.0 and 4 (botocore float64 vs JS integer) compare by value.
        using JsonDocument expected = JsonDocument.Parse(request.CborAsJson!);
        using JsonDocument got = JsonDocument.Parse(actual!.ToJsonString());
        JsonElement.DeepEquals(expected.RootElement, got.RootElement).ShouldBeTrue(actual.ToJsonString());
    }

    /// <summary>CBOR to JSON the way tools/minicbor.py shows it: tags as {"$tag": n, "value": …}.</summary>
    private static JsonNode? ToJson(ref CborReader reader)
    {
        switch (reader.PeekType())
        {
            case CborType.UnsignedInteger:
            case CborType.NegativeInteger:
                return JsonValue.Create(reader.ReadInt64());
            case CborType.Float:
                return JsonValue.Create(reader.ReadDouble());
            case CborType.TextString:
                return JsonValue.Create(reader.ReadTextString());
            case CborType.Boolean:
                return JsonValue.Create(reader.ReadBoolean());
            case CborType.Null:
                reader.ReadNull();
                return null;
            case CborType.Tag:
                ulong tag = reader.ReadTag();
                return new JsonObject { ["$tag"] = tag, ["value"] = ToJson(ref reader) };
            case CborType.Array:
                JsonArray array = [];
                int count = reader.ReadStartArray();
                for (int i = 0; count < 0 ? !reader.TryReadBreak() : i < count; i++)
                {
                    array.Add(ToJson(ref reader));
                }

                reader.ReadEndArray();
                return array;
            case CborType.Map:
                JsonObject map = [];
                int pairs = reader.ReadStartMap();
                for (int i = 0; pairs < 0 ? !reader.TryReadBreak() : i < pairs; i++)
                {
                    string key = reader.ReadTextString();
                    map[key] = ToJson(ref reader);
                }

                reader.ReadEndMap();
                return map;
            default:
                throw new InvalidOperationException($"unexpected {reader.PeekType()} in a captured body");
        }
    }
}
