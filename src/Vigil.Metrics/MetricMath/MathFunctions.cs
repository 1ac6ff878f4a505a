using System.Globalization;

namespace Vigil.Metrics.MetricMath;

/// <summary>The functions of the metric math language, with their arity; the unsupported ones are known by name.</summary>
internal sealed class MathFunctions
{
    private static readonly Dictionary<string, MathFunctions> All = Build();

    private MathFunctions(string name, int min, int max, bool supported = true)
    {
        Name = name;
        MinArgs = min;
        MaxArgs = max;
        Supported = supported;
    }

    public string Name { get; }
    public int MinArgs { get; }
    public int MaxArgs { get; }
    public bool Supported { get; }

    public string ArityText => MinArgs == MaxArgs
        ? $"{MinArgs.ToString(CultureInfo.InvariantCulture)} argument{(MinArgs == 1 ? "" : "s")}"
        : $"{MinArgs.ToString(CultureInfo.InvariantCulture)} to {MaxArgs.ToString(CultureInfo.InvariantCulture)} arguments";

    public static MathFunctions? Find(string name) => All.GetValueOrDefault(name);

    private static Dictionary<string, MathFunctions> Build()
    {
        MathFunctions[] list =
        [
            new("ABS", 1, 1), new("AVG", 1, 1), new("CEIL", 1, 1), new("DATAPOINT_COUNT", 1, 1), new("DIFF", 1, 1),
            new("DIFF_TIME", 1, 1), new("EPOCH", 1, 1), new("FILL", 2, 2), new("FIRST", 1, 1), new("LAST", 1, 1),
            new("FLOOR", 1, 1), new("IF", 2, 3), new("LOG", 1, 1), new("LOG10", 1, 1), new("MAX", 1, 1),
            new("MIN", 1, 1), new("MINUTE", 1, 1), new("HOUR", 1, 1), new("DAY", 1, 1), new("DATE", 1, 1),
            new("MONTH", 1, 1), new("YEAR", 1, 1), new("PERIOD", 1, 1), new("RATE", 1, 1),
            new("REMOVE_EMPTY", 1, 1), new("RUNNING_SUM", 1, 1), new("SLICE", 2, 3), new("SORT", 3, 4),
            new("STDDEV", 1, 1), new("SUM", 1, 1), new("TIME_SERIES", 1, 1), new("METRICS", 0, 1),
            new("METRIC_COUNT", 1, 1), new("SEARCH", 2, 3),
            // Known to CloudWatch, but they need services this server does not have.
            new("ANOMALY_DETECTION_BAND", 1, 2, supported: false), new("INSIGHT_RULE_METRIC", 2, 2, supported: false),
            new("LAMBDA", 1, int.MaxValue, supported: false), new("SERVICE_QUOTA", 1, 1, supported: false),
            new("DB_PERF_INSIGHTS", 3, 3, supported: false),
        ];
        return list.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }
}
