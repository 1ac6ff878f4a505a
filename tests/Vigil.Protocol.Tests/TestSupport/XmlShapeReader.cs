using System.Globalization;
using System.Xml.Linq;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Tests.TestSupport;

/// <summary>Reads awsQuery response XML back into shape records, the way botocore's query parser does.</summary>
public static class XmlShapeReader
{
    public static object ReadStructure(XElement element, Shape shape)
    {
        var obj = shape.Create!();
        foreach (var m in shape.Members)
        {
            var flattened = m.Shape.Type == ShapeType.List && (m.Shape.Flattened || m.Flattened);
            if (flattened)
            {
                var items = element.Elements(element.Name.Namespace + m.WireName).ToList();
                if (items.Count > 0)
                {
                    var list = m.Shape.CreateList!();
                    foreach (var i in items)
                    {
                        list.Add(Read(i, m.Shape.Element!));
                    }
                    m.Set(obj, list);
                }
                continue;
            }
            var child = element.Element(element.Name.Namespace + m.WireName);
            if (child is not null)
            {
                m.Set(obj, Read(child, m.Shape));
            }
        }
        return obj;
    }

    private static object Read(XElement e, Shape shape)
    {
        var ns = e.Name.Namespace;
        var inv = CultureInfo.InvariantCulture;
        switch (shape.Type)
        {
            case ShapeType.Structure:
                return ReadStructure(e, shape);
            case ShapeType.List:
                {
                    var list = shape.CreateList!();
                    foreach (var i in e.Elements(ns + shape.ElementName))
                    {
                        list.Add(Read(i, shape.Element!));
                    }
                    return list;
                }
            case ShapeType.Map:
                {
                    var map = shape.CreateMap!();
                    foreach (var entry in e.Elements(ns + "entry"))
                    {
                        var key = entry.Element(ns + shape.KeyName)!.Value;
                        var value = entry.Element(ns + shape.ValueName);
                        map[key] = value is null ? shape.Value!.Type == ShapeType.Structure ? shape.Value.Create!() : "" : Read(value, shape.Value!);
                    }
                    return map;
                }
            case ShapeType.String: return e.Value;
            case ShapeType.Boolean: return bool.Parse(e.Value);
            case ShapeType.Integer: return int.Parse(e.Value, inv);
            case ShapeType.Long: return long.Parse(e.Value, inv);
            case ShapeType.Double: return double.Parse(e.Value, NumberStyles.Float, inv);
            case ShapeType.Float: return float.Parse(e.Value, NumberStyles.Float, inv);
            case ShapeType.Timestamp: return Timestamps.TryParse(e.Value, out var t) ? t : throw new FormatException(e.Value);
            case ShapeType.Blob: return Convert.FromBase64String(e.Value);
            default: throw new InvalidOperationException();
        }
    }
}
