using System.Collections;
using System.Globalization;
using System.Text;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Validation;

/// <summary>One broken constraint, worded as AWS words them.</summary>
public sealed record Violation(string Path, string Constraint, object? Value, bool Missing);

/// <summary>
/// Checks a decoded input record against its model: required members, string/list/map lengths, numeric
/// ranges, patterns and enum values. Runs before any handler so nothing is stored from invalid input.
/// </summary>
public static class ShapeValidator
{
    /// <summary>AWS stops listing after a handful of violations; so do we.</summary>
    private const int MaxViolations = 10;

    public static List<Violation> Validate(object value, Shape shape)
    {
        var violations = new List<Violation>();
        ValidateStructure(value, shape, "", violations);
        return violations;
    }

    private static void ValidateStructure(object value, Shape shape, string prefix, List<Violation> violations)
    {
        foreach (var m in shape.Members)
        {
            if (violations.Count >= MaxViolations)
            {
                return;
            }
            var path = prefix.Length == 0 ? LowerFirst(m.Name) : prefix + "." + LowerFirst(m.Name);
            var v = m.Get(value);
            if (v is null)
            {
                if (m.Required)
                {
                    violations.Add(new Violation(path, "Member must not be null", null, Missing: true));
                }
                continue;
            }
            ValidateValue(v, m.Shape, path, violations);
        }
    }

    private static void ValidateValue(object v, Shape shape, string path, List<Violation> violations)
    {
        switch (shape.Type)
        {
            case ShapeType.Structure:
                ValidateStructure(v, shape, path, violations);
                break;
            case ShapeType.List:
                {
                    var list = (IList)v;
                    CheckLength(list.Count, shape, path, v, violations);
                    for (var i = 0; i < list.Count && violations.Count < MaxViolations; i++)
                    {
                        ValidateValue(list[i]!, shape.Element!, $"{path}.{(i + 1).ToString(CultureInfo.InvariantCulture)}.member", violations);
                    }
                    break;
                }
            case ShapeType.Map:
                {
                    var map = (IDictionary)v;
                    CheckLength(map.Count, shape, path, v, violations);
                    foreach (DictionaryEntry e in map)
                    {
                        ValidateValue(e.Key, shape.Key!, path, violations);
                        if (e.Value is not null)
                        {
                            ValidateValue(e.Value, shape.Value!, $"{path}.{e.Key}", violations);
                        }
                    }
                    break;
                }
            case ShapeType.String:
                {
                    var s = (string)v;
                    if (shape.EnumValues is { } allowed && Array.IndexOf(allowed, s) < 0)
                    {
                        violations.Add(new Violation(path, "Member must satisfy enum value set: [" + string.Join(", ", allowed) + "]", s, false));
                        return;
                    }
                    // Lengths count Unicode code points, as AWS does, not UTF-16 units.
                    CheckLength(CodePoints(s), shape, path, s, violations);
                    if (shape.PatternRegex is { } re)
                    {
                        bool ok;
                        try
                        {
                            ok = re.IsMatch(s);
                        }
                        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
                        {
                            // Only a backtracking fallback pattern can time out; a busy machine must not refuse a
                            // value, so the check is skipped rather than failed.
                            ok = true;
                        }
                        if (!ok)
                        {
                            violations.Add(new Violation(path, "Member must satisfy regular expression pattern: " + shape.Pattern, s, false));
                        }
                    }
                    break;
                }
            case ShapeType.Blob:
                CheckLength(((byte[])v).Length, shape, path, "<blob>", violations);
                break;
            case ShapeType.Integer:
                CheckRange((int)v, shape, path, v, violations);
                break;
            case ShapeType.Long:
                CheckRange((long)v, shape, path, v, violations);
                break;
            case ShapeType.Double:
                CheckRange((double)v, shape, path, v, violations);
                break;
            case ShapeType.Float:
                CheckRange((float)v, shape, path, v, violations);
                break;
        }
    }

    private static void CheckLength(int length, Shape shape, string path, object value, List<Violation> violations)
    {
        if (shape.Min is { } min && length < min)
        {
            violations.Add(new Violation(path, $"Member must have length greater than or equal to {Format(min)}", value, false));
        }
        else if (shape.Max is { } max && length > max)
        {
            violations.Add(new Violation(path, $"Member must have length less than or equal to {Format(max)}", value, false));
        }
    }

    private static void CheckRange(double d, Shape shape, string path, object value, List<Violation> violations)
    {
        if (shape.Min is { } min && d < min)
        {
            violations.Add(new Violation(path, $"Member must have value greater than or equal to {Format(min)}", value, false));
        }
        else if (shape.Max is { } max && d > max)
        {
            violations.Add(new Violation(path, $"Member must have value less than or equal to {Format(max)}", value, false));
        }
    }

    /// <summary>Coral's wording: "2 validation errors detected: Value 'x' at 'a.b' failed to satisfy constraint: …; …".</summary>
    public static string Describe(List<Violation> violations)
    {
        var sb = new StringBuilder();
        sb.Append(violations.Count.ToString(CultureInfo.InvariantCulture))
          .Append(violations.Count == 1 ? " validation error detected: " : " validation errors detected: ");
        for (var i = 0; i < violations.Count; i++)
        {
            var v = violations[i];
            if (i > 0)
            {
                sb.Append("; ");
            }
            sb.Append("Value ");
            sb.Append(v.Value is null ? "null" : "'" + FormatValue(v.Value) + "'");
            sb.Append(" at '").Append(v.Path).Append("' failed to satisfy constraint: ").Append(v.Constraint);
        }
        return sb.ToString();
    }

    private static string FormatValue(object v) => v switch
    {
        IList l => "[" + string.Join(", ", l.Cast<object>().Select(FormatValue)) + "]",
        IDictionary d => "{" + string.Join(", ", d.Keys.Cast<object>().Select(FormatValue)) + "}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static int CodePoints(string s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (!char.IsHighSurrogate(s[i]) || i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
            {
                n++;
            }
        }
        return n;
    }

    private static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);

    private static string LowerFirst(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
