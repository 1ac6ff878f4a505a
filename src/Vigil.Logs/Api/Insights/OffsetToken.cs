using System.Globalization;

namespace Vigil.Logs.Api.Insights;

/// <summary>
/// Page tokens of the Insights lists (query results, queries, query definitions): the index of the page's first
/// item. The lists are snapshots that only grow at the end or are finished (results), so an index stays meaningful.
/// </summary>
internal static class OffsetToken
{
    /// <summary>The first index of the page <paramref name="token"/> names (0 for none); InvalidParameterException
    /// for a token that is not a position in the list.</summary>
    public static int Start(string? token, int total) =>
        token is null ? 0
        : int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var from) && from <= total ? from
        : throw LogsErrors.InvalidNextToken();

    /// <summary>The token of the page after <c>from..from+count</c>, or null when that page was the last.</summary>
    public static string? After(int from, int count, int total) =>
        from + count < total ? (from + count).ToString(CultureInfo.InvariantCulture) : null;
}
