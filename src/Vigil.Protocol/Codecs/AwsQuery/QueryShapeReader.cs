using System.Globalization;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.AwsQuery;

/// <summary>Binds an awsQuery parameter tree to shape records (lists as Name.member.N, maps as Name.entry.N.key/value).</summary>
public static class QueryShapeReader
{
    public static object ReadStructure(QueryNode node, Shape shape, string prefix)
    {
        var target = shape.Create!();
        foreach (var m in shape.Members)
        {
            var child = node.Child(m.WireName);
            if (child is null)
            {
                continue;
            }
            var path = prefix.Length == 0 ? m.WireName : prefix + "." + m.WireName;
            var value = ReadValue(child, m.Shape, path, m.Flattened);
            if (value is not null)
            {
                m.Set(target, value);
            }
        }
        return target;
    }

    private static object? ReadValue(QueryNode node, Shape shape, string path, bool flattenedMember)
    {
        switch (shape.Type)
        {
            case ShapeType.Structure:
                return ReadStructure(node, shape, path);
            case ShapeType.List:
                {
                    var list = shape.CreateList!();
                    // botocore sends "Name=" for an empty list.
                    var items = shape.Flattened || flattenedMember ? node : node.Child(shape.ElementName);
                    if (items is not null)
                    {
                        var i = 0;
                        foreach (var item in QueryParameters.Numbered(items))
                        {
                            i++;
                            var v = ReadValue(item, shape.Element!, $"{path}.{shape.ElementName}.{i}", false);
                            if (v is not null)
                            {
                                list.Add(v);
                            }
                        }
                    }
                    return list;
                }
            case ShapeType.Map:
                {
                    var map = shape.CreateMap!();
                    var entries = shape.Flattened || flattenedMember ? node : node.Child("entry");
                    if (entries is not null)
                    {
                        foreach (var entry in QueryParameters.Numbered(entries))
                        {
                            var key = entry.Child(shape.KeyName)?.Value
                                ?? throw GatewayErrors.MalformedQuery($"Map entry under {path} has no {shape.KeyName}.");
                            // A value with nothing in it (an empty structure or list) leaves no parameters behind.
                            var valueNode = entry.Child(shape.ValueName) ?? new QueryNode();
                            var v = ReadValue(valueNode, shape.Value!, $"{path}.{key}", false);
                            if (v is not null)
                            {
                                map[key] = v;
                            }
                        }
                    }
                    return map;
                }
            default:
                return node.Value is null ? null : ReadScalar(node.Value, shape, path);
        }
    }

    private static object ReadScalar(string text, Shape shape, string path)
    {
        var ci = CultureInfo.InvariantCulture;
        switch (shape.Type)
        {
            case ShapeType.String:
                return text;
            case ShapeType.Boolean:
                if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
                if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
                break;
            case ShapeType.Integer:
                if (int.TryParse(text, NumberStyles.AllowLeadingSign, ci, out var i))
                {
                    return i;
                }
                break;
            case ShapeType.Long:
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, ci, out var l))
                {
                    return l;
                }
                break;
            case ShapeType.Double:
                if (double.TryParse(text, NumberStyles.Float, ci, out var d))
                {
                    return d;
                }
                break;
            case ShapeType.Float:
                if (float.TryParse(text, NumberStyles.Float, ci, out var f))
                {
                    return f;
                }
                break;
            case ShapeType.Timestamp:
                if (Timestamps.TryParse(text, out var ts))
                {
                    return ts;
                }
                break;
            case ShapeType.Blob:
                try
                {
                    return Convert.FromBase64String(text);
                }
                catch (FormatException)
                {
                }
                break;
        }
        throw GatewayErrors.InvalidQueryParameter($"Value '{text}' for parameter {path} is invalid.");
    }
}
