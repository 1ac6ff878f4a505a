using System.Collections;
using System.Text.RegularExpressions;

namespace Vigil.Protocol.Shapes;

/// <summary>
/// Metadata of one AWS model shape: enough for the generic codecs to read and write it and for
/// the gateway's ShapeValidator to check it. Instances are built once by the generated
/// <c>*Model</c> classes and are immutable after the static constructor links them.
/// </summary>
public sealed class Shape
{
    private Regex? _pattern;
    private bool _patternFailed;

    public Shape(string name, ShapeType type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }
    public ShapeType Type { get; }

    // Structures.
    public Member[] Members { get; set; } = [];
    public Func<object>? Create { get; init; }
    public ErrorInfo? Error { get; init; }
    public bool IsUnion { get; init; }
    public bool IsEventStream { get; init; }

    // Lists: Element, with the awsQuery/XML element name ("member" unless the model says otherwise).
    public Shape? Element { get; set; }
    public string ElementName { get; set; } = "member";

    // Maps.
    public Shape? Key { get; set; }
    public Shape? Value { get; set; }
    public string KeyName { get; set; } = "key";
    public string ValueName { get; set; } = "value";

    /// <summary>Creates the CLR collection of a list or map (List&lt;T&gt; / Dictionary&lt;string,T&gt;).</summary>
    public Func<IList>? CreateList { get; init; }
    public Func<IDictionary>? CreateMap { get; init; }

    public bool Flattened { get; init; }

    // Constraints: length for strings, blobs, lists and maps; value for numbers.
    public double? Min { get; init; }
    public double? Max { get; init; }
    public string? Pattern { get; init; }
    public string[]? EnumValues { get; init; }
    public string? TimestampFormat { get; init; }

    /// <summary>
    /// The model's pattern as a .NET regex that must match the whole value, as AWS's validation (Java's
    /// <c>Pattern.matches</c>) does: <c>[^:*]*</c> refuses "a:b". Null when there is none or it does not compile here.
    /// </summary>
    // Non-backtracking where the pattern allows it: linear in the value, so no timeout can refuse a valid name on a
    // loaded machine. Constructs it lacks (lookarounds, backreferences) fall back to backtracking with a timeout.
    private static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
    }

    public Regex? PatternRegex
    {
        get
        {
            if (Pattern is null || _patternFailed)
            {
                return null;
            }
            try
            {
                return _pattern ??= Compile($@"\A(?:{Pattern})\z");
            }
            catch (ArgumentException)
            {
                // A few model patterns use Java-only syntax; those members go unchecked rather than unusable.
                _patternFailed = true;
                return null;
            }
        }
    }

    public override string ToString() => $"{Name} ({Type})";
}

/// <summary>An error shape's protocol facts: the awsQuery code, HTTP status and who is at fault.</summary>
public sealed record ErrorInfo(string Code, int HttpStatus, bool SenderFault);

/// <summary>One member of a structure.</summary>
public sealed class Member
{
    private byte[]? _wireNameUtf8;

    public Member(string name, Shape shape, Func<object, object?> get, Action<object, object?> set)
    {
        Name = name;
        Shape = shape;
        Get = get;
        Set = set;
        WireName = name;
    }

    /// <summary>The member name in the model.</summary>
    public string Name { get; }
    public Shape Shape { get; }
    public Func<object, object?> Get { get; }
    public Action<object, object?> Set { get; }

    /// <summary>The name on the wire: the model's locationName when it has one, else <see cref="Name"/>.</summary>
    public string WireName { get; init; }
    public bool Required { get; init; }
    public MemberLocation Location { get; init; }
    public bool IdempotencyToken { get; init; }
    /// <summary>For list members in awsQuery, whether the list is written without its ".member" level.</summary>
    public bool Flattened { get; init; }

    /// <summary>The wire name as UTF-8, for comparing against JSON and CBOR keys without decoding them.</summary>
    public byte[] WireNameUtf8 => _wireNameUtf8 ??= System.Text.Encoding.UTF8.GetBytes(WireName);

    public override string ToString() => $"{Name}: {Shape.Name}";
}
