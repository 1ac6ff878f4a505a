using System.Collections;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Tests.TestSupport;

/// <summary>
/// Random values of any shape, driven by the metadata, for round-trip properties; and a deep equality that
/// knows the protocols' inherent ambiguities (an empty collection or empty structure may come back absent).
/// </summary>
public static class ShapeValues
{
    private const string Alphabet = "abcXYZ019 _-./:&<>\"'=+%?#é中😀\t\n";

    public static object Generate(Shape shape, Random rng, int depth = 0, bool nonEmpty = false)
    {
        switch (shape.Type)
        {
            case ShapeType.Structure:
                {
                    var obj = shape.Create!();
                    foreach (var m in shape.Members)
                    {
                        if (m.Location != MemberLocation.Body || rng.Next(3) == 0 || (depth > 3 && m.Shape.Type is ShapeType.Structure or ShapeType.List or ShapeType.Map))
                        {
                            continue;
                        }
                        m.Set(obj, Generate(m.Shape, rng, depth + 1));
                    }
                    // An empty structure leaves no trace in a query form, so inside a list it would vanish:
                    // give each one a scalar member at least (botocore has the same blind spot).
                    if ((nonEmpty || depth > 0) && IsEmpty(obj, shape) && shape.Members.FirstOrDefault(m => m.Location == MemberLocation.Body) is { } first)
                    {
                        first.Set(obj, Generate(first.Shape, rng, depth + 1, nonEmpty: true));
                    }
                    return obj;
                }
            case ShapeType.List:
                {
                    var list = shape.CreateList!();
                    var n = nonEmpty ? 1 : depth > 3 ? 0 : rng.Next(4);
                    for (var i = 0; i < n; i++)
                    {
                        list.Add(Generate(shape.Element!, rng, depth + 1, nonEmpty));
                    }
                    return list;
                }
            case ShapeType.Map:
                {
                    var map = shape.CreateMap!();
                    var n = nonEmpty ? 1 : depth > 3 ? 0 : rng.Next(3);
                    for (var i = 0; i < n; i++)
                    {
                        map[RandomString(rng, 1, 8) + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Generate(shape.Value!, rng, depth + 1, nonEmpty);
                    }
                    return map;
                }
            case ShapeType.String:
                return shape.EnumValues is { Length: > 0 } e ? e[rng.Next(e.Length)] : RandomString(rng, 0, 12);
            case ShapeType.Boolean:
                return rng.Next(2) == 0;
            case ShapeType.Integer:
                return rng.Next(5) switch { 0 => int.MinValue, 1 => int.MaxValue, _ => rng.Next(-1000, 1000) };
            case ShapeType.Long:
                return rng.Next(5) switch { 0 => long.MinValue, 1 => long.MaxValue, _ => rng.NextInt64(-1_000_000_000_000, 1_000_000_000_000) };
            case ShapeType.Double:
                return rng.Next(8) switch
                {
                    0 => double.NaN,
                    1 => double.PositiveInfinity,
                    2 => -0.5,
                    3 => 1e300,
                    _ => Math.Round((rng.NextDouble() - 0.5) * 1e6, rng.Next(6)),
                };
            case ShapeType.Float:
                return (float)Math.Round((rng.NextDouble() - 0.5) * 1e4, 2);
            case ShapeType.Timestamp:
                return DateTimeOffset.FromUnixTimeMilliseconds(rng.NextInt64(0, 4_102_444_800_000));
            case ShapeType.Blob:
                {
                    var b = new byte[rng.Next(0, 20)];
                    rng.NextBytes(b);
                    return b;
                }
            default:
                throw new InvalidOperationException();
        }
    }

    private static string RandomString(Random rng, int min, int max)
    {
        var n = rng.Next(min, max);
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < n; i++)
        {
            var c = Alphabet[rng.Next(Alphabet.Length)];
            if (char.IsSurrogate(c))
            {
                sb.Append("😀");
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Null when equal; otherwise the path of the first difference.</summary>
    public static string? Difference(object? a, object? b, Shape shape, string path = "$")
    {
        if (IsEmpty(a, shape) && IsEmpty(b, shape))
        {
            return null;
        }
        if (a is null || b is null)
        {
            return $"{path}: {Show(a)} vs {Show(b)}";
        }
        switch (shape.Type)
        {
            case ShapeType.Structure:
                foreach (var m in shape.Members)
                {
                    if (m.Location != MemberLocation.Body)
                    {
                        continue;
                    }
                    if (Difference(m.Get(a), m.Get(b), m.Shape, path + "." + m.Name) is { } d)
                    {
                        return d;
                    }
                }
                return null;
            case ShapeType.List:
                {
                    var la = (IList)a;
                    var lb = (IList)b;
                    if (la.Count != lb.Count)
                    {
                        return $"{path}: {la.Count} items vs {lb.Count}";
                    }
                    for (var i = 0; i < la.Count; i++)
                    {
                        if (Difference(la[i], lb[i], shape.Element!, $"{path}[{i}]") is { } d)
                        {
                            return d;
                        }
                    }
                    return null;
                }
            case ShapeType.Map:
                {
                    var ma = (IDictionary)a;
                    var mb = (IDictionary)b;
                    if (ma.Count != mb.Count)
                    {
                        return $"{path}: {ma.Count} entries vs {mb.Count}";
                    }
                    foreach (DictionaryEntry e in ma)
                    {
                        if (!mb.Contains(e.Key))
                        {
                            return $"{path}: key {e.Key} missing";
                        }
                        if (Difference(e.Value, mb[e.Key], shape.Value!, $"{path}[{e.Key}]") is { } d)
                        {
                            return d;
                        }
                    }
                    return null;
                }
            case ShapeType.Double:
                return ((double)a).Equals((double)b) ? null : $"{path}: {Show(a)} vs {Show(b)}";
            case ShapeType.Blob:
                return ((byte[])a).AsSpan().SequenceEqual((byte[])b) ? null : $"{path}: blobs differ";
            default:
                return a.Equals(b) ? null : $"{path}: {Show(a)} vs {Show(b)}";
        }
    }

    private static bool IsEmpty(object? v, Shape shape) => v switch
    {
        null => true,
        IList l => l.Count == 0,
        IDictionary d => d.Count == 0,
        _ when shape.Type == ShapeType.Structure => shape.Members.All(m => IsEmpty(m.Get(v), m.Shape)),
        _ => false,
    };

    private static string Show(object? v) => v switch
    {
        null => "null",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    /// <summary>Every input and output shape of every operation of every service, once each.</summary>
    public static IEnumerable<(ServiceModel Service, Operation Operation, Shape Shape)> AllOperationShapes()
    {
        foreach (var service in Vigil.Protocol.Gateway.ServiceCatalog.All.Services)
        {
            foreach (var op in service.Operations.Values.OrderBy(o => o.Name, StringComparer.Ordinal))
            {
                if (op.Input is { IsEventStream: false } input)
                {
                    yield return (service, op, input);
                }
                if (op.Output is { IsEventStream: false } output)
                {
                    yield return (service, op, output);
                }
            }
        }
    }
}
