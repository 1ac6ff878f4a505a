using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Insights.Functions;

internal enum FunctionKind : byte
{
    /// <summary>Row by row: <c>fields</c>, <c>filter</c>, <c>by</c>, <c>sort</c>, arguments of other functions.</summary>
    Scalar,

    /// <summary>Only in <c>stats</c>: folds the rows of a group into one value.</summary>
    Aggregate,

    /// <summary>A scalar whose period argument is a time literal (<c>bin</c>, <c>datefloor</c>, <c>dateceil</c>).</summary>
    Period,
}

/// <summary>One function: its arity (<see cref="MaxArguments"/> is <see cref="int.MaxValue"/> for varargs) and how
/// it runs. Scalars take their evaluated arguments; aggregates are built by the binder (see
/// <see cref="Aggregators"/>).</summary>
internal sealed record FunctionSpec(string Name, int MinArguments, int MaxArguments, FunctionKind Kind, Func<Value[], Value>? Scalar = null);

/// <summary>Every function the language knows, looked up ignoring case (AWS's own docs spell <c>isPresent</c> and
/// <c>ispresent</c> both ways).</summary>
internal static class FunctionRegistry
{
    private const int Varargs = int.MaxValue;

    private static readonly Dictionary<string, FunctionSpec> Functions = Build();

    public static bool TryGet(string name, out FunctionSpec spec) => Functions.TryGetValue(name, out spec!);

    public static IEnumerable<string> Names => Functions.Keys;

    private static Dictionary<string, FunctionSpec> Build()
    {
        var all = new Dictionary<string, FunctionSpec>(StringComparer.OrdinalIgnoreCase);
        void Scalar(string name, int min, int max, Func<Value[], Value> body) => all[name] = new FunctionSpec(name, min, max, FunctionKind.Scalar, body);
        void Aggregate(string name, int min, int max) => all[name] = new FunctionSpec(name, min, max, FunctionKind.Aggregate);

        // Strings.
        Scalar("strlen", 1, 1, StringFunctions.StrLen);
        Scalar("toupper", 1, 1, StringFunctions.ToUpper);
        Scalar("tolower", 1, 1, StringFunctions.ToLower);
        Scalar("trim", 1, 2, a => StringFunctions.Trim(a, start: true, end: true));
        Scalar("ltrim", 1, 2, a => StringFunctions.Trim(a, start: true, end: false));
        Scalar("rtrim", 1, 2, a => StringFunctions.Trim(a, start: false, end: true));
        Scalar("concat", 1, Varargs, StringFunctions.Concat);
        Scalar("substr", 2, 3, StringFunctions.Substr);
        Scalar("replace", 3, 3, StringFunctions.Replace);
        Scalar("strcontains", 2, 2, StringFunctions.StrContains);
        Scalar("isempty", 1, 1, StringFunctions.IsEmpty);
        Scalar("isblank", 1, 1, StringFunctions.IsBlank);

        // General.
        Scalar("ispresent", 1, 1, a => Value.Boolean(!a[0].IsNull));
        Scalar("coalesce", 1, Varargs, GeneralFunctions.Coalesce);
        Scalar("unmask", 1, 1, a => a[0]);

        // Numbers.
        Scalar("abs", 1, 1, a => NumericFunctions.Unary(a[0], Math.Abs));
        Scalar("ceil", 1, 1, a => NumericFunctions.Unary(a[0], Math.Ceiling));
        Scalar("floor", 1, 1, a => NumericFunctions.Unary(a[0], Math.Floor));
        Scalar("log", 1, 1, a => NumericFunctions.Unary(a[0], Math.Log));
        Scalar("sqrt", 1, 1, a => NumericFunctions.Unary(a[0], Math.Sqrt));
        Scalar("pow", 2, 2, a => NumericFunctions.Binary(a[0], a[1], Math.Pow));
        Scalar("greatest", 1, Varargs, a => NumericFunctions.Extreme(a, greatest: true));
        Scalar("least", 1, Varargs, a => NumericFunctions.Extreme(a, greatest: false));

        // Time.
        Scalar("fromMillis", 1, 1, DateTimeFunctions.FromMillis);
        Scalar("toMillis", 1, 1, DateTimeFunctions.ToMillis);
        all["bin"] = new FunctionSpec("bin", 1, 1, FunctionKind.Period);
        all["datefloor"] = new FunctionSpec("datefloor", 2, 2, FunctionKind.Period);
        all["dateceil"] = new FunctionSpec("dateceil", 2, 2, FunctionKind.Period);

        // IP addresses.
        Scalar("isValidIp", 1, 1, a => Value.Boolean(IpFunctions.Parse(a[0], out _, out _)));
        Scalar("isValidIpV4", 1, 1, a => Value.Boolean(IpFunctions.Parse(a[0], out _, out var v6) && !v6));
        Scalar("isValidIpV6", 1, 1, a => Value.Boolean(IpFunctions.Parse(a[0], out _, out var v6) && v6));
        Scalar("isIpInSubnet", 2, 2, a => Value.Boolean(IpFunctions.InSubnet(a[0], a[1], family: null)));
        Scalar("isIpv4InSubnet", 2, 2, a => Value.Boolean(IpFunctions.InSubnet(a[0], a[1], family: false)));
        Scalar("isIpv6InSubnet", 2, 2, a => Value.Boolean(IpFunctions.InSubnet(a[0], a[1], family: true)));

        // Aggregations and the non-aggregating stats functions (they pick one row's value).
        Aggregate("count", 0, 1);
        Aggregate("count_distinct", 1, 1);
        Aggregate("sum", 1, 1);
        Aggregate("avg", 1, 1);
        Aggregate("min", 1, 1);
        Aggregate("max", 1, 1);
        Aggregate("pct", 2, 2);
        Aggregate("stddev", 1, 1);
        Aggregate("earliest", 1, 1);
        Aggregate("latest", 1, 1);
        Aggregate("sortsFirst", 1, 1);
        Aggregate("sortsLast", 1, 1);
        return all;
    }
}
