namespace Vigil.Metrics.Model;

/// <summary>
/// A metric query (metric math, SEARCH, Metrics Insights, extended statistic) that cannot be parsed or evaluated.
/// The API layer answers it as CloudWatch does (ValidationError, 400) with <see cref="Exception.Message"/> as the text.
/// </summary>
public sealed class MetricQueryException(string message) : Exception(message);
