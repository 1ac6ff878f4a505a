namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// Merges similar shapes into patterns, once, over the merged shapes of a query (so any split of the events gives
/// the same patterns). Shapes are candidates for each other when they have the same number of tokens, the same
/// separators and the same first word (or both start with a dynamic token), as the first levels of Drain's
/// fixed-depth tree. Taking shapes most frequent first (ties by key), each joins the candidate pattern it shares the
/// most words with, provided it shares at least twice as many words as it has differing positions and no
/// differing position holds a severity word (so ERROR and INFO lines never merge); the differing positions become
/// dynamic. Each shape is compared with at most <see cref="MaxCandidates"/> patterns. Runs on the caller's thread.
/// </summary>
internal static class PatternClusterer
{
    public const int MaxCandidates = 256;

    public static List<PatternSignature> Cluster(IEnumerable<PatternSignature> signatures)
    {
        var buckets = new Dictionary<string, List<PatternSignature>>(StringComparer.Ordinal);
        var patterns = new List<PatternSignature>();
        var ordered = signatures.OrderByDescending(s => s.Current + s.Previous).ThenBy(s => s.Key, StringComparer.Ordinal);
        foreach (var signature in ordered)
        {
            var bucketKey = BucketKey(signature);
            if (!buckets.TryGetValue(bucketKey, out var bucket))
            {
                buckets[bucketKey] = bucket = [];
            }

            PatternSignature? best = null;
            var bestShared = -1;
            foreach (var candidate in bucket.Take(MaxCandidates))
            {
                if (Similarity(candidate, signature) is var (shared, differing) && differing >= 0
                    && (differing == 0 || shared >= 2 * differing) && shared > bestShared)
                {
                    (best, bestShared) = (candidate, shared);
                }
            }

            if (best is null)
            {
                bucket.Add(signature);
                patterns.Add(signature);
                continue;
            }

            for (var i = 0; i < best.Tokens.Length; i++)
            {
                if (!string.Equals(best.Tokens[i], signature.Tokens[i], StringComparison.Ordinal))
                {
                    best.Generalize(i);
                    signature.Generalize(i);
                }
            }

            best.MergeFrom(signature);
        }

        // Two patterns can generalise into the same text from different starts: those are one pattern.
        var byText = new Dictionary<string, PatternSignature>(StringComparer.Ordinal);
        var result = new List<PatternSignature>(patterns.Count);
        foreach (var pattern in patterns)
        {
            if (byText.TryGetValue(pattern.Render(), out var same))
            {
                same.MergeFrom(pattern);
            }
            else
            {
                byText.Add(pattern.Render(), pattern);
                result.Add(pattern);
            }
        }

        return result;
    }

    private static string BucketKey(PatternSignature signature) =>
        string.Join('\u0002', [signature.Tokens.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), signature.Prefix,
            signature.Tokens.Length > 0 ? signature.Tokens[0] ?? PatternSignature.Dynamic.ToString() : "", .. signature.Separators]);

    /// <summary>Words both have at the same position, and positions that differ (a word against another word or
    /// a dynamic token); differing is −1 when a differing position holds a severity word.</summary>
    private static (int Shared, int Differing) Similarity(PatternSignature a, PatternSignature b)
    {
        var (shared, differing) = (0, 0);
        for (var i = 0; i < a.Tokens.Length; i++)
        {
            var (x, y) = (a.Tokens[i], b.Tokens[i]);
            if (x is null && y is null)
            {
                continue;
            }

            if (string.Equals(x, y, StringComparison.Ordinal))
            {
                shared++;
                continue;
            }

            if ((x is not null && PatternSignature.SeverityOf(x) != PatternSeverity.Info)
                || (y is not null && PatternSignature.SeverityOf(y) != PatternSeverity.Info))
            {
                return (shared, -1);
            }

            differing++;
        }

        return (shared, differing);
    }
}
