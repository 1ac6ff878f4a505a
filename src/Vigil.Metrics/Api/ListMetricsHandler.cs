using Vigil.Metrics.Engine;
using Vigil.Metrics.Model;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.CloudWatch;

namespace Vigil.Metrics.Api;

/// <summary>
/// ListMetrics: the caller's metrics that received data in the last two weeks (CloudWatch's listing horizon),
/// filtered by namespace, name and dimension filters (a filter without a value matches any value; a metric may have
/// more dimensions than filtered), RecentlyActive=PT3H for those written in the last three hours; 500 a page.
/// </summary>
internal sealed class ListMetricsHandler(MetricStore store)
{
    public const int PageSize = 500;

    public ValueTask<ListMetricsOutput> HandleAsync(CallContext context, ListMetricsInput input, CancellationToken ct)
    {
        var account = context.Identity.AccountId;
        var linked = input.IncludeLinkedAccounts == true;
        var output = new ListMetricsOutput { Metrics = [], OwningAccounts = linked ? [] : null };
        if (input.OwningAccount is { } owner && owner != account)
        {
            // No linked source accounts exist in Vigil: another account's metrics are never visible.
            return ValueTask.FromResult(output);
        }
        var now = store.Clock.GetUtcNow().ToUnixTimeSeconds();
        var since = input.RecentlyActive == "PT3H" ? now - (3 * 3600) : now - (14 * 86400);
        var matches = new List<MetricIdentity>();
        foreach (var (metric, series) in store.Catalog.Metrics(account, context.Region, input.Namespace))
        {
            if ((input.MetricName is null || metric.MetricName == input.MetricName)
                && Matches(metric, input.Dimensions)
                && series.Any(s => s.LastIngested >= since))
            {
                matches.Add(metric);
            }
        }
        matches.Sort(static (a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));

        var fingerprint = string.Join('\u0001', account, context.Region, input.Namespace, input.MetricName, input.RecentlyActive,
            string.Join('\u0002', (input.Dimensions ?? []).Select(d => d.Name + "=" + d.Value)));
        long start = 0;
        if (input.NextToken is { } token && !PageToken.TryRead(token, fingerprint, out start))
        {
            throw MetricErrors.InvalidValue("The parameter NextToken is invalid.");
        }
        var end = (int)Math.Min(matches.Count, start + PageSize);
        for (var i = (int)Math.Min(start, matches.Count); i < end; i++)
        {
            var m = matches[i];
            output.Metrics.Add(new Metric
            {
                Namespace = m.Namespace,
                MetricName = m.MetricName,
                Dimensions = [.. m.Dimensions.Select(d => new Dimension { Name = d.Name, Value = d.Value })],
            });
            output.OwningAccounts?.Add(account);
        }
        if (end < matches.Count)
        {
            output.NextToken = PageToken.Create(end, fingerprint);
        }
        return ValueTask.FromResult(output);
    }

    private static bool Matches(MetricIdentity metric, List<DimensionFilter>? filters)
    {
        if (filters is null)
        {
            return true;
        }
        foreach (var f in filters)
        {
            var value = metric.DimensionValue(f.Name!);
            if (value is null || (f.Value is not null && value != f.Value))
            {
                return false;
            }
        }
        return true;
    }
}
