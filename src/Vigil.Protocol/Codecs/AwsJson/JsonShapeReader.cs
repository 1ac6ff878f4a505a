using System.Text.Json;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.AwsJson;

/// <summary>
/// Reads a JSON document into the generated shape records, guided by the shape metadata (awsJson1_0/1_1
/// and restJson1 bodies). Unknown members are skipped and nulls are treated as absent, as AWS does.
/// Type mismatches raise SerializationException.
/// </summary>
public static class JsonShapeReader
{
    private const int MaxDepth = 64;

    public static object Read(ReadOnlySpan<byte> json, Shape shape)
    {
        if (json.IsEmpty)
        {
            return shape.Create!();
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth + 8 });
        try
        {
            if (!reader.Read())
            {
                return shape.Create!();
            }
            var value = ReadValue(ref reader, shape, shape.Name) ?? shape.Create!();
            if (reader.Read())
            {
                throw GatewayErrors.Serialization("Unexpected content after the JSON document.");
            }
            return value;
        }
        catch (JsonException e)
        {
            throw GatewayErrors.Serialization($"The request body is not valid JSON: {e.Message}");
        }
    }

    private static object? ReadValue(ref Utf8JsonReader reader, Shape shape, string path)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        switch (shape.Type)
        {
            case ShapeType.Structure:
                Expect(ref reader, JsonTokenType.StartObject, path, "an object");
                return ReadStructure(ref reader, shape, path);
            case ShapeType.List:
                {
                    Expect(ref reader, JsonTokenType.StartArray, path, "an array");
                    var list = shape.CreateList!();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var item = ReadValue(ref reader, shape.Element!, path);
                        if (item is not null)
                        {
                            list.Add(item);
                        }
                    }
                    return list;
                }
            case ShapeType.Map:
                {
                    Expect(ref reader, JsonTokenType.StartObject, path, "an object");
                    var map = shape.CreateMap!();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        var item = ReadValue(ref reader, shape.Value!, path);
                        if (item is not null)
                        {
                            map[key] = item;
                        }
                    }
                    return map;
                }
            case ShapeType.String:
                Expect(ref reader, JsonTokenType.String, path, "a string");
                return reader.GetString();
            case ShapeType.Boolean:
                if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    return reader.GetBoolean();
                }
                throw TypeError(path, "a boolean");
            case ShapeType.Integer:
                return checked((int)ReadIntegral(ref reader, path));
            case ShapeType.Long:
                return ReadIntegral(ref reader, path);
            case ShapeType.Double:
                return ReadDouble(ref reader, path);
            case ShapeType.Float:
                return (float)ReadDouble(ref reader, path);
            case ShapeType.Timestamp:
                if (reader.TokenType == JsonTokenType.Number)
                {
                    try
                    {
                        return Timestamps.FromEpochSeconds(reader.GetDouble());
                    }
                    catch (FormatException e)
                    {
                        // Beyond what a timestamp can hold (year 1–9999): the caller's error, not ours.
                        throw GatewayErrors.Serialization($"'{path}': {e.Message}");
                    }
                }
                if (reader.TokenType == JsonTokenType.String && Timestamps.TryParse(reader.GetString()!, out var ts))
                {
                    return ts;
                }
                throw TypeError(path, "a timestamp");
            case ShapeType.Blob:
                Expect(ref reader, JsonTokenType.String, path, "a base64 string");
                if (!reader.TryGetBytesFromBase64(out var bytes))
                {
                    throw GatewayErrors.Serialization($"'{path}' is not valid base64.");
                }
                return bytes;
            default:
                throw new InvalidOperationException($"Unhandled shape type {shape.Type}.");
        }
    }

    private static object ReadStructure(ref Utf8JsonReader reader, Shape shape, string path)
    {
        if (reader.CurrentDepth >= MaxDepth)
        {
            throw GatewayErrors.Serialization("The JSON document is nested too deeply.");
        }
        var target = shape.Create!();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var member = FindMember(ref reader, shape);
            reader.Read();
            if (member is null)
            {
                reader.Skip();
                continue;
            }
            var value = ReadValue(ref reader, member.Shape, member.Name);
            if (value is not null)
            {
                member.Set(target, value);
            }
        }
        return target;
    }

    private static Member? FindMember(ref Utf8JsonReader reader, Shape shape)
    {
        foreach (var m in shape.Members)
        {
            if (m.Location == MemberLocation.Body && reader.ValueTextEquals(m.WireNameUtf8))
            {
                return m;
            }
        }
        return null;
    }

    private static long ReadIntegral(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out var l))
            {
                return l;
            }
            // botocore may send 10.0 for an integer; accept it when it is whole.
            var d = reader.GetDouble();
            if (d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue)
            {
                return (long)d;
            }
        }
        throw TypeError(path, "an integer");
    }

    private static double ReadDouble(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.GetDouble();
        }
        if (reader.TokenType == JsonTokenType.String)
        {
            // The JSON protocols send non-finite doubles as strings.
            if (reader.ValueTextEquals("NaN"u8))
            {
                return double.NaN;
            }
            if (reader.ValueTextEquals("Infinity"u8))
            {
                return double.PositiveInfinity;
            }
            if (reader.ValueTextEquals("-Infinity"u8))
            {
                return double.NegativeInfinity;
            }
        }
        throw TypeError(path, "a number");
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path, string what)
    {
        if (reader.TokenType != type)
        {
            throw TypeError(path, what);
        }
    }

    private static AwsServiceException TypeError(string path, string expected) =>
        GatewayErrors.Serialization($"Expected {expected} for '{path}'.");
}
