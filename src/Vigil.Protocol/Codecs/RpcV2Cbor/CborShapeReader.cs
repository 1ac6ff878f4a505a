using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.RpcV2Cbor;

/// <summary>
/// Reads an RPCv2 CBOR body into shape records. Doubles may arrive as CBOR integers (the JS SDK writes whole
/// numbers that way), timestamps as tag 1 + int or float, and nulls mean "absent" (protocol-notes §3.4).
/// </summary>
internal static class CborShapeReader
{
    public static object Read(ReadOnlySpan<byte> body, Shape shape)
    {
        if (body.IsEmpty)
        {
            return shape.Create!();
        }
        var reader = new CborReader(body);
        try
        {
            var value = ReadValue(ref reader, shape, shape.Name) ?? shape.Create!();
            if (reader.BytesRemaining != 0)
            {
                throw GatewayErrors.Serialization("Unexpected bytes after the CBOR body.");
            }
            return value;
        }
        catch (CborFormatException e)
        {
            throw GatewayErrors.Serialization($"The request body is not valid CBOR: {e.Message}");
        }
    }

    private static object? ReadValue(ref CborReader reader, Shape shape, string path)
    {
        var type = reader.PeekType();
        if (type is CborType.Null or CborType.Undefined)
        {
            reader.SkipValue();
            return null;
        }
        switch (shape.Type)
        {
            case ShapeType.Structure:
                Expect(type, CborType.Map, path, "a map");
                return ReadStructure(ref reader, shape, path);
            case ShapeType.List:
                {
                    Expect(type, CborType.Array, path, "an array");
                    var list = shape.CreateList!();
                    var count = reader.ReadStartArray();
                    for (var i = 0; count < 0 ? !reader.TryReadBreak() : i < count; i++)
                    {
                        if (ReadValue(ref reader, shape.Element!, path) is { } item)
                        {
                            list.Add(item);
                        }
                    }
                    reader.ReadEndArray();
                    return list;
                }
            case ShapeType.Map:
                {
                    Expect(type, CborType.Map, path, "a map");
                    var map = shape.CreateMap!();
                    var count = reader.ReadStartMap();
                    for (var i = 0; count < 0 ? !reader.TryReadBreak() : i < count; i++)
                    {
                        Expect(reader.PeekType(), CborType.TextString, path, "a text key");
                        var key = reader.ReadTextString();
                        if (ReadValue(ref reader, shape.Value!, path) is { } item)
                        {
                            map[key] = item;
                        }
                    }
                    reader.ReadEndMap();
                    return map;
                }
            case ShapeType.String:
                Expect(type, CborType.TextString, path, "a text string");
                return reader.ReadTextString();
            case ShapeType.Boolean:
                Expect(type, CborType.Boolean, path, "a boolean");
                return reader.ReadBoolean();
            case ShapeType.Integer:
                ExpectInteger(type, path);
                var l = reader.ReadInt64();
                if (l is < int.MinValue or > int.MaxValue)
                {
                    throw GatewayErrors.Serialization($"'{path}' is out of range for an integer.");
                }
                return (int)l;
            case ShapeType.Long:
                ExpectInteger(type, path);
                return reader.ReadInt64();
            case ShapeType.Double:
                ExpectNumber(type, path);
                return reader.ReadDouble();
            case ShapeType.Float:
                ExpectNumber(type, path);
                return (float)reader.ReadDouble();
            case ShapeType.Timestamp:
                if (type == CborType.Tag)
                {
                    var tag = reader.ReadTag();
                    if (tag != 1)
                    {
                        throw GatewayErrors.Serialization($"'{path}' has CBOR tag {tag}; timestamps use tag 1.");
                    }
                    type = reader.PeekType();
                }
                ExpectNumber(type, path);
                try
                {
                    return Timestamps.FromEpochSeconds(reader.ReadDouble());
                }
                catch (FormatException e)
                {
                    throw GatewayErrors.Serialization($"'{path}': {e.Message}");
                }
            case ShapeType.Blob:
                Expect(type, CborType.ByteString, path, "a byte string");
                return reader.ReadByteString();
            default:
                throw new InvalidOperationException($"Unhandled shape type {shape.Type}.");
        }
    }

    private static object ReadStructure(ref CborReader reader, Shape shape, string path)
    {
        var target = shape.Create!();
        var count = reader.ReadStartMap();
        for (var i = 0; count < 0 ? !reader.TryReadBreak() : i < count; i++)
        {
            Expect(reader.PeekType(), CborType.TextString, path, "a text key");
            Member? member = null;
            if (reader.TryReadTextStringUtf8(out var key))
            {
                member = Find(shape, key);
            }
            else
            {
                var k = reader.ReadTextString();
                member = Find(shape, System.Text.Encoding.UTF8.GetBytes(k));
            }
            if (member is null)
            {
                reader.SkipValue();
                continue;
            }
            if (ReadValue(ref reader, member.Shape, member.Name) is { } value)
            {
                member.Set(target, value);
            }
        }
        reader.ReadEndMap();
        return target;
    }

    private static Member? Find(Shape shape, ReadOnlySpan<byte> key)
    {
        foreach (var m in shape.Members)
        {
            if (key.SequenceEqual(m.WireNameUtf8))
            {
                return m;
            }
        }
        return null;
    }

    private static void Expect(CborType actual, CborType expected, string path, string what)
    {
        if (actual != expected)
        {
            throw GatewayErrors.Serialization($"Expected {what} for '{path}', found {actual}.");
        }
    }

    private static void ExpectInteger(CborType actual, string path)
    {
        if (actual is not (CborType.UnsignedInteger or CborType.NegativeInteger))
        {
            throw GatewayErrors.Serialization($"Expected an integer for '{path}', found {actual}.");
        }
    }

    private static void ExpectNumber(CborType actual, string path)
    {
        if (actual is not (CborType.UnsignedInteger or CborType.NegativeInteger or CborType.Float))
        {
            throw GatewayErrors.Serialization($"Expected a number for '{path}', found {actual}.");
        }
    }
}
