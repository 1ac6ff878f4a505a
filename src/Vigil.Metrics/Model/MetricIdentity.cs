namespace Vigil.Metrics.Model;

/// <summary>One dimension of a metric: a name/value pair.</summary>
public readonly record struct MetricDimension(string Name, string Value);

/// <summary>
/// What names a metric inside one (account, region): namespace, metric name and its dimensions. Dimensions are kept
/// sorted by name (ordinal) so two identities with the same set compare equal, as CloudWatch matches them.
/// </summary>
public sealed class MetricIdentity : IEquatable<MetricIdentity>
{
    private readonly int _hash;

    public MetricIdentity(string @namespace, string metricName, IEnumerable<MetricDimension>? dimensions = null)
    {
        Namespace = @namespace;
        MetricName = metricName;
        var dims = dimensions is null ? [] : dimensions.ToArray();
        Array.Sort(dims, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        Dimensions = dims;
        var hash = new HashCode();
        hash.Add(@namespace, StringComparer.Ordinal);
        hash.Add(metricName, StringComparer.Ordinal);
        foreach (var d in dims)
        {
            hash.Add(d.Name, StringComparer.Ordinal);
            hash.Add(d.Value, StringComparer.Ordinal);
        }
        _hash = hash.ToHashCode();
    }

    public string Namespace { get; }
    public string MetricName { get; }

    /// <summary>Sorted by name, ordinal.</summary>
    public IReadOnlyList<MetricDimension> Dimensions { get; }

    /// <summary>The value of dimension <paramref name="name"/>, or null when the metric has no such dimension.</summary>
    public string? DimensionValue(string name)
    {
        foreach (var d in Dimensions)
        {
            if (string.Equals(d.Name, name, StringComparison.Ordinal))
            {
                return d.Value;
            }
        }
        return null;
    }

    public bool Equals(MetricIdentity? other)
    {
        if (other is null || other._hash != _hash || !string.Equals(other.Namespace, Namespace, StringComparison.Ordinal)
            || !string.Equals(other.MetricName, MetricName, StringComparison.Ordinal) || other.Dimensions.Count != Dimensions.Count)
        {
            return false;
        }
        for (var i = 0; i < Dimensions.Count; i++)
        {
            if (!Dimensions[i].Equals(other.Dimensions[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as MetricIdentity);
    public override int GetHashCode() => _hash;

    public override string ToString() =>
        $"{Namespace} {MetricName}" + (Dimensions.Count == 0 ? "" : " " + string.Join(",", Dimensions.Select(d => $"{d.Name}={d.Value}")));
}
