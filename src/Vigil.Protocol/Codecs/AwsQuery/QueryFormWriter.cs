using System.Collections;
using System.Text;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.AwsQuery;

/// <summary>
/// Encodes a request record as an awsQuery form body, the way botocore does (Action and Version first,
/// lists as Name.member.N, "Name=" for an empty list). The server never sends requests; this exists so
/// tests and benchmarks can build real request bodies from records.
/// </summary>
public static class QueryFormWriter
{
    public static string Write(Operation operation, object input)
    {
        var sb = new StringBuilder();
        sb.Append("Action=").Append(Uri.EscapeDataString(operation.Name));
        sb.Append("&Version=").Append(Uri.EscapeDataString(operation.Service.ApiVersion));
        if (operation.Input is not null)
        {
            WriteStructure(sb, "", input, operation.Input);
        }
        return sb.ToString();
    }

    private static void WriteStructure(StringBuilder sb, string prefix, object value, Shape shape)
    {
        foreach (var m in shape.Members)
        {
            var v = m.Get(value);
            if (v is not null)
            {
                WriteValue(sb, prefix.Length == 0 ? m.WireName : prefix + "." + m.WireName, v, m.Shape, m.Flattened);
            }
        }
    }

    private static void WriteValue(StringBuilder sb, string name, object value, Shape shape, bool flattenedMember)
    {
        switch (shape.Type)
        {
            case ShapeType.Structure:
                WriteStructure(sb, name, value, shape);
                break;
            case ShapeType.List:
                {
                    var list = (IList)value;
                    if (list.Count == 0)
                    {
                        Pair(sb, name, "");
                        break;
                    }
                    var itemPrefix = shape.Flattened || flattenedMember ? name : name + "." + shape.ElementName;
                    for (var i = 0; i < list.Count; i++)
                    {
                        WriteValue(sb, itemPrefix + "." + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), list[i]!, shape.Element!, false);
                    }
                    break;
                }
            case ShapeType.Map:
                {
                    var i = 0;
                    var entryPrefix = shape.Flattened || flattenedMember ? name : name + ".entry";
                    foreach (DictionaryEntry e in (IDictionary)value)
                    {
                        i++;
                        var p = entryPrefix + "." + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        Pair(sb, p + "." + shape.KeyName, (string)e.Key);
                        WriteValue(sb, p + "." + shape.ValueName, e.Value!, shape.Value!, false);
                    }
                    break;
                }
            default:
                Pair(sb, name, XmlShapeWriter.FormatScalar(value, shape));
                break;
        }
    }

    private static void Pair(StringBuilder sb, string name, string value) =>
        sb.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
}
