using System.Collections;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.RpcV2Cbor;

/// <summary>Writes shape records as CBOR (definite lengths; timestamps as tag 1 + epoch seconds).</summary>
internal static class CborShapeWriter
{
    public static void Write(CborWriter w, object value, Shape shape)
    {
        switch (shape.Type)
        {
            case ShapeType.Structure:
                {
                    var count = 0;
                    foreach (var m in shape.Members)
                    {
                        if (m.Location == MemberLocation.Body && m.Get(value) is not null)
                        {
                            count++;
                        }
                    }
                    w.WriteStartMap(count);
                    foreach (var m in shape.Members)
                    {
                        if (m.Location == MemberLocation.Body && m.Get(value) is { } v)
                        {
                            w.WriteTextString((ReadOnlySpan<byte>)m.WireNameUtf8);
                            Write(w, v, m.Shape);
                        }
                    }
                    break;
                }
            case ShapeType.List:
                {
                    var list = (IList)value;
                    w.WriteStartArray(list.Count);
                    foreach (var item in list)
                    {
                        Write(w, item, shape.Element!);
                    }
                    break;
                }
            case ShapeType.Map:
                {
                    var map = (IDictionary)value;
                    w.WriteStartMap(map.Count);
                    foreach (DictionaryEntry e in map)
                    {
                        w.WriteTextString(((string)e.Key).AsSpan());
                        if (e.Value is null)
                        {
                            w.WriteNull();
                        }
                        else
                        {
                            Write(w, e.Value, shape.Value!);
                        }
                    }
                    break;
                }
            case ShapeType.String:
                w.WriteTextString(((string)value).AsSpan());
                break;
            case ShapeType.Boolean:
                w.WriteBoolean((bool)value);
                break;
            case ShapeType.Integer:
                w.WriteInt64((int)value);
                break;
            case ShapeType.Long:
                w.WriteInt64((long)value);
                break;
            case ShapeType.Double:
                w.WriteDouble((double)value);
                break;
            case ShapeType.Float:
                w.WriteDouble((float)value);
                break;
            case ShapeType.Timestamp:
                w.WriteEpochTimestamp((DateTimeOffset)value);
                break;
            case ShapeType.Blob:
                w.WriteByteString((byte[])value);
                break;
            default:
                throw new InvalidOperationException($"Unhandled shape type {shape.Type}.");
        }
    }
}
