using System.Diagnostics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Metrics.Model;
using Vigil.Metrics.Query;
using static Vigil.Metrics.Tests.Query.Catalogue;

namespace Vigil.Metrics.Tests.Query;

/// <summary>Both parsers, fed random and mutated text, either parse or throw MetricQueryException, quickly.</summary>
public sealed class QueryFuzzTests
{
    private static readonly string[] SearchSeeds =
    [
        "{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\"",
        "{AWS/Lambda,FunctionName} MetricName=\"Errors\" OR (MetricName=\"Invocations\" AND (ProjectA OR ProjectB))",
        "NOT Namespace=AWS",
        "\"Europe\\\\France Traffic\\(Network\\)\"",
        "FunctionName=(\"billing\" OR \"ProjectA-handler\")",
        "{\"My App\" Zone, Host}, network-errors NOT couNT",
    ];

    private static readonly string[] InsightsSeeds =
    [
        "SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) WHERE InstanceId != 'i-2' GROUP BY InstanceId ORDER BY MAX() DESC LIMIT 10",
        "select sum(\"Bytes\\\"Input\\\"\") from \"Odd NS\" where \"LIMIT\" = 'x\\'y' group by a, b",
        "SELECT COUNT(Errors) FROM \"AWS/Lambda\"",
        "SELECT MIN(Latency) FROM SCHEMA(\"MyApp/Orders\") ORDER BY AVG() ASC",
    ];

    private const string Alphabet = "{}()=\"'\\,; \t\nabcXYZ019-_/.:!<>%*ANDORNOTSELECTFROMWHEREGROUPBYORDERLIMIT";

    [Fact]
    public void Random_search_text_parses_or_fails_cleanly()
    {
        var arb = Gen.Choose(0, 80).SelectMany(n => Gen.ArrayOf(Gen.Elements(Alphabet.ToCharArray()), n))
            .Select(chars => new string(chars)).ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(arb, text => SearchBehaves(text)));
    }

    [Fact]
    public void Random_insights_text_parses_or_fails_cleanly()
    {
        var arb = Gen.Choose(0, 80).SelectMany(n => Gen.ArrayOf(Gen.Elements(Alphabet.ToCharArray()), n))
            .Select(chars => new string(chars)).ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(arb, text => InsightsBehaves(text)));
    }

    [Fact]
    public void Mutated_queries_parse_or_fail_cleanly()
    {
        var random = new Random(20_240_611);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 4000; i++)
        {
            SearchBehaves(Mutate(random, SearchSeeds[random.Next(SearchSeeds.Length)])).ShouldBeTrue();
            InsightsBehaves(Mutate(random, InsightsSeeds[random.Next(InsightsSeeds.Length)])).ShouldBeTrue();
        }
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20)); // no pathological (hanging) input
    }

    [Fact]
    public void Deep_nesting_and_long_input_do_not_overflow_or_hang()
    {
        SearchBehaves(new string('(', 600) + "x" + new string(')', 600)).ShouldBeTrue();
        SearchBehaves(string.Concat(Enumerable.Repeat("NOT ", 255)) + "Errors").ShouldBeTrue();
        SearchBehaves(string.Concat(Enumerable.Repeat("(a OR ", 170))).ShouldBeTrue();
        InsightsBehaves("SELECT AVG(x) FROM y GROUP BY " + string.Join(",", Enumerable.Range(0, 5000).Select(i => "d" + i))).ShouldBeTrue();
        InsightsBehaves(new string('\'', 100_000)).ShouldBeTrue();
    }

    [Fact]
    public void Parsing_is_deterministic_for_valid_seeds()
    {
        // A property: the same query always selects the same catalogue metrics, and the seeds themselves are valid.
        foreach (var seed in SearchSeeds)
        {
            var a = SearchQuery.Parse(seed);
            var b = SearchQuery.Parse(seed);
            Enumerable.Range(1, 30).Select(k => a.Matches(M[k])).ShouldBe(Enumerable.Range(1, 30).Select(k => b.Matches(M[k])));
        }
        foreach (var seed in InsightsSeeds)
        {
            InsightsQuery.Parse(seed).ShouldNotBeNull();
        }
    }

    [Fact]
    public void Not_is_the_complement_and_or_the_union()
    {
        var terms = new[] { "Errors", "\"billing\"", "InstanceId=i-0001", "Namespace=AWS", "{AWS/EC2,InstanceId}", "count", "Pay" };
        foreach (var a in terms.Where(t => !t.StartsWith('{')))
        {
            foreach (var b in terms.Where(t => !t.StartsWith('{')))
            {
                var qa = SearchQuery.Parse(a);
                var qb = SearchQuery.Parse(b);
                var not = SearchQuery.Parse($"NOT ({a})");
                var or = SearchQuery.Parse($"({a}) OR ({b})");
                var and = SearchQuery.Parse($"({a}) ({b})");
                for (var k = 1; k <= 30; k++)
                {
                    not.Matches(M[k]).ShouldBe(!qa.Matches(M[k]));
                    or.Matches(M[k]).ShouldBe(qa.Matches(M[k]) || qb.Matches(M[k]));
                    and.Matches(M[k]).ShouldBe(qa.Matches(M[k]) && qb.Matches(M[k]));
                }
            }
        }
    }

    private static bool SearchBehaves(string text)
    {
        try
        {
            var q = SearchQuery.Parse(text);
            for (var k = 1; k <= 30; k++)
            {
                q.Matches(M[k]);
            }
        }
        catch (MetricQueryException ex)
        {
            ex.Message.ShouldNotBeNullOrWhiteSpace();
        }
        return true;
    }

    private static bool InsightsBehaves(string text)
    {
        try
        {
            var q = InsightsQuery.Parse(text);
            q.Execute(Source(), Window);
        }
        catch (MetricQueryException ex)
        {
            ex.Message.ShouldNotBeNullOrWhiteSpace();
        }
        return true;
    }

    private static string Mutate(Random random, string seed)
    {
        var sb = new StringBuilder(seed);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits; e++)
        {
            var pos = sb.Length == 0 ? 0 : random.Next(sb.Length);
            switch (random.Next(4))
            {
                case 0 when sb.Length > 0:
                    sb.Remove(pos, Math.Min(sb.Length - pos, random.Next(1, 6)));
                    break;
                case 1:
                    sb.Insert(pos, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2 when sb.Length > 0:
                    sb[pos] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                default:
                    var from = random.Next(sb.Length + 1);
                    var len = Math.Min(sb.Length - from, random.Next(0, 12));
                    sb.Insert(pos, sb.ToString(from, len));
                    break;
            }
        }
        return sb.ToString();
    }
}
