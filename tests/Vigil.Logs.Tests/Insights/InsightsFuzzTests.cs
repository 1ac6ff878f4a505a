using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Insights;

namespace Vigil.Logs.Tests.Insights;

/// <summary>Random and mutated queries: Compile either succeeds or throws <see cref="InsightsQueryException"/> with a
/// position inside the text, within a time budget; a compiled query runs over the corpus without throwing.</summary>
public sealed class InsightsFuzzTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    private static readonly string[] Seeds =
    [
        "fields @timestamp, @message | sort @timestamp desc | limit 20",
        "filter level = \"ERROR\" and latency > 100 or not ispresent(x) | fields abs(a - b) as d",
        "stats count(*) as c, avg(latency), pct(latency, 99), count_distinct(user.id) by bin(5m), level | sort c desc",
        "parse @message \"[*] user=*, method:*\" as a, b, c | stats sum(b) by c",
        "parse @message /(?<x>\\d+) (?<y>\\w+)/ | filter x in [1, 2, \"3\"] | display x, y",
        "fields `foo-bar`, concat(a, 'b\\'c', \"d\\\"e\") | dedup a | limit 3",
        "filter @message like /err(or)?/ or @message =~ \"x\" or a not like 'y' | stats earliest(a), latest(b), sortsFirst(c)",
        "fields datefloor(@timestamp, 1h), dateceil(@timestamp, 1mo), toMillis(@timestamp), fromMillis(0), isIpInSubnet(ip, '10.0.0.0/8')",
        "# comment\nfilter 2 ^ 3 ^ 2 % 5 * -x / 4 >= 1 | stats stddev(x) / count(*) as q",
        "stats count(*) as c by level | filter c > 1 | stats sum(c)",
        "filter @message like /a/ | pattern @message | diff previousDay | filter @sampleCount > 0 | sort @ratio desc | limit 2",
    ];

    private const string Alphabet = "abcxyz @.`'\"\\/*()[],|#=!<>~+-%^0159 \n\tasbyinotlikeflsrtdmqp_é\u0000";

    private static readonly string[] Words =
    [
        "fields", "filter", "stats", "sort", "limit", "parse", "display", "dedup", "unmask", "by", "as", "and", "or", "not",
        "like", "in", "asc", "desc", "count(*)", "bin(1h)", "@message", "|", ",", "(", ")", "[", "]", "/x/", "'s'", "1", "5m",
        "pattern", "diff", "previousWeek",
    ];

    [Fact]
    public void Mutated_valid_queries_compile_or_fail_cleanly()
    {
        var mutated =
            from seed in Gen.Elements(Seeds)
            from position in Gen.Choose(0, 200)
            from length in Gen.Choose(0, 6)
            from insert in Gen.OneOf(Gen.Elements(Words), Gen.Elements(Alphabet.ToCharArray()).Select(c => c.ToString()))
            let at = Math.Min(position, seed.Length)
            select seed.Remove(at, Math.Min(length, seed.Length - at)).Insert(at, insert);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1500), Prop.ForAll(Arb.From(mutated), CompilesAndRunsCleanly));
    }

    [Fact]
    public void Random_strings_compile_or_fail_cleanly()
    {
        var random = Gen.Elements(Alphabet.ToCharArray()).ListOf().Select(chars => new string([.. chars]));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1500).WithEndSize(200), Prop.ForAll(Arb.From(random), CompilesAndRunsCleanly));
    }

    [Fact]
    public void Random_word_sequences_compile_or_fail_cleanly()
    {
        var sentences = Gen.Elements(Words).ListOf().Select(words => string.Join(' ', words));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1500).WithEndSize(40), Prop.ForAll(Arb.From(sentences), CompilesAndRunsCleanly));
    }

    /// <summary>Findings kept as named cases (STYLE §22).</summary>
    [Theory]
    [InlineData("fields datefloor(@timestamp, 99999999999999y)")]
    [InlineData("fields dateceil(fromMillis(253402300799999), 1y)")]
    [InlineData("stats count(*) by bin(1q)")]
    [InlineData("fields substr('abc', -5, 99999999999)")]
    [InlineData("filter a like /(a+)+$/")]
    [InlineData("fields 1e309")]
    [InlineData("fields \u0000")]
    public void Former_edge_cases(string query) => CompilesAndRunsCleanly(query).ShouldBeTrue();

    private static bool CompilesAndRunsCleanly(string query)
    {
        var watch = Stopwatch.StartNew();
        InsightsQuery compiled;
        try
        {
            compiled = InsightsQuery.Compile(query);
        }
        catch (InsightsQueryException e)
        {
            e.Offset.ShouldBeInRange(0, Math.Max(query.Length, 10_000));
            e.Line.ShouldBeGreaterThanOrEqualTo(1);
            e.Column.ShouldBeGreaterThanOrEqualTo(1);
            watch.Elapsed.ShouldBeLessThan(Budget, $"Compile({query})");
            return true;
        }

        compiled.Run(InsightsCorpus.Events);
        watch.Elapsed.ShouldBeLessThan(Budget, $"Run({query})");
        return true;
    }
}
