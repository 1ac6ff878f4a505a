using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.Metrics.MetricMath;
using Vigil.Metrics.Model;
using Vigil.Metrics.Query;
using Vigil.Metrics.Reading;
using Vigil.Metrics.Statistics;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.CloudWatch;

namespace Vigil.Metrics.Api;

/// <summary>
/// GetMetricData: up to 500 queries — MetricStat fetches, metric math (incl. SEARCH) evaluated in dependency order,
/// and at most one Metrics Insights query — with labels (incl. dynamic labels), ScanBy, MaxDatapoints pagination
/// and StatusCode PartialData while pages remain. Query errors are ValidationError, as CloudWatch answers them.
/// </summary>
internal sealed partial class GetMetricDataHandler(MetricReader reader)
{
    public const int MaxQueries = 500;
    public const int DefaultMaxDatapoints = 100_800;

    [GeneratedRegex("^[a-z][a-zA-Z0-9_]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"\$\{(PROP\('([^']*)'\)|[A-Z_]+)\}")]
    private static partial Regex LabelToken();

    private sealed record Query(int Index, MetricDataQuery Source, StatisticSpec Stat, MetricMathExpression? Math, InsightsQuery? Insights);

    private sealed record PagedSeries(string Id, string Label, long[] Ts, double[] Values);

    // Results of requests that need several pages, so the SDKs' paginators do not recompute them for every page
    // (and see one consistent answer). Keyed by caller and the whole request; a minute each, a few at a time.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset Until, List<PagedSeries> Series)> _pages = new(StringComparer.Ordinal);
    private static readonly TimeSpan PageCacheLifetime = TimeSpan.FromMinutes(1);
    private const int PageCacheEntries = 8;

    public ValueTask<GetMetricDataOutput> HandleAsync(CallContext context, GetMetricDataInput input, CancellationToken ct)
    {
        var (queries, order) = Validate(input);
        var now = reader.Store.Clock.GetUtcNow();
        var account = context.Identity.AccountId;
        var fingerprint = string.Join('\u0001', account, context.Region, Fingerprint(input));
        long skip = 0;
        if (input.NextToken is { } token && !PageToken.TryRead(token, fingerprint, out skip))
        {
            throw MetricErrors.InvalidNextToken("The specified NextToken is invalid or expired.");
        }
        if (skip > 0 && _pages.TryGetValue(fingerprint, out var cached) && cached.Until > now)
        {
            return ValueTask.FromResult(Page(input, cached.Series, fingerprint, skip));
        }
        var source = new CallerMetricSource(reader, account, context.Region);
        var defaultPeriod = queries.Select(q => q.Source.MetricStat?.Period ?? q.Source.Period).FirstOrDefault(p => p is not null) ?? 60;

        var computed = new Dictionary<string, IReadOnlyList<TimeSeries>>(StringComparer.Ordinal);
        var periods = new Dictionary<string, int>(StringComparer.Ordinal);
        var byId = queries.ToDictionary(q => q.Source.Id!, StringComparer.Ordinal);
        var fetched = FetchStats(queries, account, context.Region, input, now);
        foreach (var id in order)
        {
            var q = byId[id];
            var period = q.Source.MetricStat?.Period ?? q.Source.Period ?? defaultPeriod;
            periods[id] = period;
            var window = TimeRules.Window(input.StartTime!.Value, input.EndTime!.Value, period, now);
            try
            {
                computed[id] = q switch
                {
                    { Source.MetricStat: not null } => [fetched[id]],
                    { Insights: { } sql } => sql.Execute(source, window),
                    _ => MetricMathEvaluator.Evaluate(q.Math!, new MetricMathContext(window,
                        [.. queries.Where(o => computed.ContainsKey(o.Source.Id!)).Select(o => new KeyValuePair<string, IReadOnlyList<TimeSeries>>(o.Source.Id!, computed[o.Source.Id!]))])
                    {
                        Search = (text, statistic, searchPeriod) => MetricSearch.Run(source, text, statistic, searchPeriod, window),
                        ExpressionIds = queries.Where(o => o.Source.MetricStat is null).Select(o => o.Source.Id!).ToHashSet(StringComparer.Ordinal),
                        Periods = periods,
                    }),
                };
            }
            catch (MetricQueryException ex)
            {
                throw Validation($"Error in expression {id}: {ex.Message}");
            }
        }

        var results = new List<PagedSeries>();
        foreach (var q in queries)
        {
            if (q.Source.ReturnData == false)
            {
                continue;
            }
            var series = computed[q.Source.Id!];
            foreach (var s in series)
            {
                var label = Label(q, s, series.Count, periods[q.Source.Id!]);
                results.Add(new PagedSeries(q.Source.Id!, label, s.Timestamps, s.Values));
            }
        }
        if (results.Sum(r => (long)r.Ts.Length) > (input.MaxDatapoints ?? DefaultMaxDatapoints))
        {
            foreach (var (key, entry) in _pages)
            {
                if (entry.Until <= now || _pages.Count >= PageCacheEntries)
                {
                    _pages.TryRemove(key, out _);
                }
            }
            _pages[fingerprint] = (now + PageCacheLifetime, results);
        }
        return ValueTask.FromResult(Page(input, results, fingerprint, skip));
    }

    /// <summary>The checked queries and their evaluation order (dependencies first).</summary>
    private (List<Query> Queries, IReadOnlyList<string> Order) Validate(GetMetricDataInput input)
    {
        var source = input.MetricDataQueries ?? [];
        if (source.Count == 0)
        {
            throw MetricErrors.Missing("The parameter MetricDataQueries is required.");
        }
        if (source.Count > MaxQueries)
        {
            throw MetricErrors.InvalidValue($"The collection MetricDataQueries must not have a size greater than {MaxQueries}.");
        }
        if (input.StartTime >= input.EndTime)
        {
            throw MetricErrors.InvalidValue("The parameter StartTime must be less than the parameter EndTime.");
        }
        if (input.MaxDatapoints is <= 0)
        {
            throw MetricErrors.BadParameter("MaxDatapoints", input.MaxDatapoints);
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var queries = new List<Query>();
        var insights = 0;
        for (var i = 0; i < source.Count; i++)
        {
            var q = source[i];
            var path = $"MetricDataQueries.member.{i + 1}";
            if (!IdPattern().IsMatch(q.Id!))
            {
                throw Validation($"The value {q.Id} for parameter {path}.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores.");
            }
            if (!ids.Add(q.Id!))
            {
                throw Validation($"The value {q.Id} for parameter {path}.Id is not unique.");
            }
            if ((q.MetricStat is null) == (q.Expression is null))
            {
                throw Validation($"Exactly one of {path}.MetricStat and {path}.Expression must be specified.");
            }
            if (q.Period is { } ownPeriod)
            {
                TimeRules.CheckPeriod(ownPeriod, $"{path}.Period");
            }
            if (q.MetricStat is { } stat)
            {
                TimeRules.CheckPeriod(stat.Period!.Value, $"{path}.MetricStat.Period");
                if (!StatisticSpec.TryParse(stat.Stat, out var spec, out _))
                {
                    // CloudWatch answers an unknown statistic here with ValidationError, not InvalidParameterValue.
                    throw Validation($"The value {stat.Stat} for parameter {path}.MetricStat.Stat is not a valid statistic.");
                }
                queries.Add(new Query(i, q, spec, null, null));
                continue;
            }
            try
            {
                if (q.Expression!.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
                {
                    if (++insights > 1)
                    {
                        throw Validation("A GetMetricData request can contain only one Metrics Insights query.");
                    }
                    queries.Add(new Query(i, q, default, null, InsightsQuery.Parse(q.Expression)));
                }
                else
                {
                    queries.Add(new Query(i, q, default, MetricMathExpression.Parse(q.Expression), null));
                }
            }
            catch (MetricQueryException ex)
            {
                throw Validation($"Error in expression {q.Id}: {ex.Message}");
            }
        }
        try
        {
            return (queries, MetricMathPlanner.Order([.. queries.Select(q => (q.Source.Id!, q.Math))]));
        }
        catch (MetricQueryException ex)
        {
            throw Validation(ex.Message);
        }
    }

    private static AwsServiceException Validation(string message) => new("ValidationError", message);

    /// <summary>
    /// Every MetricStat query's series. Queries of the same metric, unit and period (e.g. Average, Maximum and p99
    /// of one metric — how dashboards ask) share one read of the data: one pass computes all their statistics.
    /// </summary>
    private Dictionary<string, TimeSeries> FetchStats(List<Query> queries, string account, string region, GetMetricDataInput input, DateTimeOffset now)
    {
        var groups = queries.Where(q => q.Source.MetricStat is not null).GroupBy(q =>
        {
            var stat = q.Source.MetricStat!;
            var m = stat.Metric!;
            return (Metric: new MetricIdentity(m.Namespace!, m.MetricName!, m.Dimensions?.Select(d => new MetricDimension(d.Name!, d.Value!))), stat.Unit, Period: stat.Period!.Value);
        }).ToArray();
        var fetched = new (string Id, TimeSeries Series)[groups.Length][];
        void Fetch(int g)
        {
            var group = groups[g];
            var (metric, unit, period) = group.Key;
            var window = TimeRules.Window(input.StartTime!.Value, input.EndTime!.Value, period, now);
            var specs = group.Select(q => q.Stat).Distinct().ToList();
            var aggregated = TimeRules.PeriodServable(window, now) ? reader.Aggregate(account, region, metric, unit, window, specs, splitByUnit: false) : [];
            fetched[g] = [.. group.Select(q =>
            {
                var (ts, values) = aggregated.Count > 0 ? aggregated[0].WithoutGaps(specs.IndexOf(q.Stat)) : ([], []);
                return (q.Source.Id!, new TimeSeries(metric.MetricName, ts, values, metric));
            })];
        }
        // Metrics are read and bucketed independently: a dashboard-sized request (up to 500 queries) uses every core.
        if (groups.Length >= ParallelFetchMinimum)
        {
            Parallel.For(0, groups.Length, Fetch);
        }
        else
        {
            for (var g = 0; g < groups.Length; g++)
            {
                Fetch(g);
            }
        }
        var result = new Dictionary<string, TimeSeries>(queries.Count, StringComparer.Ordinal);
        foreach (var (id, series) in fetched.SelectMany(f => f))
        {
            result[id] = series;
        }
        return result;
    }

    private const int ParallelFetchMinimum = 4;

    /// <summary>The result label: the query's Label (dynamic tokens expanded) or a default as CloudWatch builds it.</summary>
    private static string Label(Query q, TimeSeries s, int seriesInResult, int period)
    {
        var fallback = s.Label.Length > 0 ? s.Label : q.Source.MetricStat?.Metric?.MetricName ?? q.Source.Id!;
        var label = q.Source.Label;
        if (label is null)
        {
            return fallback;
        }
        if (!label.Contains("${", StringComparison.Ordinal))
        {
            return seriesInResult > 1 ? $"{label} {fallback}" : label;
        }
        return LabelToken().Replace(label, match =>
        {
            if (match.Groups[2].Success)
            {
                var prop = match.Groups[2].Value;
                return prop switch
                {
                    "MetricName" => s.Metric?.MetricName ?? "",
                    "Namespace" => s.Metric?.Namespace ?? "",
                    "Period" => period.ToString(CultureInfo.InvariantCulture),
                    "Stat" => q.Source.MetricStat?.Stat ?? "",
                    _ when prop.StartsWith("Dim.", StringComparison.Ordinal) => s.Metric?.DimensionValue(prop[4..]) ?? "",
                    _ => match.Value,
                };
            }
            var values = s.Values;
            return match.Groups[1].Value switch
            {
                "LABEL" => fallback,
                "AVG" => values.Length == 0 ? "" : Format(values.Average()),
                "MIN" => values.Length == 0 ? "" : Format(values.Min()),
                "MAX" => values.Length == 0 ? "" : Format(values.Max()),
                "SUM" => Format(values.Sum()),
                "FIRST" => values.Length == 0 ? "" : Format(values[0]),
                "LAST" => values.Length == 0 ? "" : Format(values[^1]),
                "DATAPOINT_COUNT" => values.Length.ToString(CultureInfo.InvariantCulture),
                _ => match.Value,
            };
        });
    }

    private static string Format(double v) => System.Math.Round(v, 4).ToString("0.####", CultureInfo.InvariantCulture);

    private static GetMetricDataOutput Page(GetMetricDataInput input, List<PagedSeries> results, string fingerprint, long skip)
    {
        var max = input.MaxDatapoints ?? DefaultMaxDatapoints;
        var output = new GetMetricDataOutput { MetricDataResults = [], Messages = [] };
        long position = 0;
        long budget = max;
        var more = false;
        // Series are ascending in time; CloudWatch's default ScanBy is TimestampDescending.
        var descending = input.ScanBy != "TimestampAscending";
        // The statistics of one metric share their period starts: results over the same slice of the same array
        // share one (read-only) timestamp list instead of each converting and holding a copy.
        (long[] Source, int From, int Take, List<DateTimeOffset> List)? shared = null;
        foreach (var (id, label, ts, values) in results)
        {
            var from = (int)System.Math.Clamp(skip - position, 0, ts.Length);
            var take = (int)System.Math.Min(ts.Length - from, budget);
            if (shared is not { } last || last.Source != ts || last.From != from || last.Take != take)
            {
                var list = new List<DateTimeOffset>(take);
                CollectionsMarshal.SetCount(list, take);
                var times = CollectionsMarshal.AsSpan(list);
                for (var i = 0; i < take; i++)
                {
                    times[i] = DateTimeOffset.FromUnixTimeSeconds(ts[descending ? ts.Length - 1 - from - i : from + i]);
                }
                shared = (ts, from, take, list);
            }
            var valueList = new List<double>(take);
            CollectionsMarshal.SetCount(valueList, take);
            var slice = values.AsSpan(descending ? ts.Length - from - take : from, take);
            slice.CopyTo(CollectionsMarshal.AsSpan(valueList));
            if (descending)
            {
                CollectionsMarshal.AsSpan(valueList).Reverse();
            }
            var result = new MetricDataResult { Id = id, Label = label, Timestamps = shared.Value.List, Values = valueList, StatusCode = "Complete" };
            budget -= take;
            position += ts.Length;
            if (from + take < ts.Length)
            {
                result.StatusCode = "PartialData";
                more = true;
            }
            output.MetricDataResults.Add(result);
        }
        if (more)
        {
            output.NextToken = PageToken.Create(skip + max, fingerprint);
        }
        return output;
    }

    /// <summary>The whole request but its NextToken: a token only continues the request it came from.</summary>
    private static string Fingerprint(GetMetricDataInput input)
    {
        var sb = new StringBuilder();
        sb.Append(input.StartTime?.ToUnixTimeMilliseconds()).Append('|').Append(input.EndTime?.ToUnixTimeMilliseconds()).Append('|')
            .Append(input.ScanBy).Append('|').Append(input.MaxDatapoints).Append('|').Append(input.LabelOptions?.Timezone);
        foreach (var q in input.MetricDataQueries ?? [])
        {
            sb.Append("|q:").Append(q.Id).Append(':').Append(q.Expression).Append(':').Append(q.Label).Append(':').Append(q.ReturnData)
                .Append(':').Append(q.Period).Append(':').Append(q.AccountId);
            if (q.MetricStat is { } stat)
            {
                sb.Append(":s:").Append(stat.Metric?.Namespace).Append(':').Append(stat.Metric?.MetricName).Append(':').Append(stat.Period)
                    .Append(':').Append(stat.Stat).Append(':').Append(stat.Unit);
                foreach (var d in stat.Metric?.Dimensions ?? [])
                {
                    sb.Append(":d:").Append(d.Name).Append('=').Append(d.Value);
                }
            }
        }
        return sb.ToString();
    }

}
