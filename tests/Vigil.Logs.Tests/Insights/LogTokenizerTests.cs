using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;
using Vigil.Logs.Insights.Functions;

namespace Vigil.Logs.Tests.Insights;

/// <summary>The tokenizer behind <c>pattern</c>: which parts of a line are words and which are dynamic, of what kind;
/// and random lines, which tokenize into ordered ranges and cluster without failing.</summary>
public sealed class LogTokenizerTests
{
    [Theory]
    [InlineData("2024-01-01 00:00:01 [INFO] Request time: 327 ms", "2024-01-01 00:00:01:Time INFO Request time 327:Number ms")]
    [InlineData("Connection to 10.0.0.1:5432 refused", "Connection to 10.0.0.1:IPAddress 5432:Number refused")]
    [InlineData("GET /api/users/123?x=1 HTTP/1.1", "GET api users 123:Number x 1:Number HTTP 1.1:Number")]
    [InlineData("id=3f2504e0-4f89-11d3-9a0c-0305e82c3301 mac aa:bb:cc:dd:ee:ff ip 2001:db8::1",
        "id 3f2504e0-4f89-11d3-9a0c-0305e82c3301:ID mac aa:bb:cc:dd:ee:ff:ID ip 2001:db8::1:IPAddress")]
    [InlineData("[10/Oct/2000:13:55:36 -0700] took 37000ms, 99%", "10/Oct/2000:13:55:36:Time -0700:Number took 37000ms:Number 99%:Number")]
    [InlineData("hash deadbeefcafebabedeadbeef v2 x_1.y", "hash deadbeefcafebabedeadbeef:ID v2:ID x_1.y:ID")]
    [InlineData("status:200 host:web-1 at 2024-01-01T10:00:00Z", "status 200:Number host web-1:ID at 2024-01-01T10:00:00Z:Time")]
    [InlineData("{\"level\":\"INFO\",\"n\":1.5e3}", "level INFO n 1.5e3:Number")]
    [InlineData("user a+b@x.io said hi2u!", "user a+b@x.io said hi2u!:Other")]
    [InlineData("   ", "")]
    public void Splits_words_from_dynamic_tokens(string line, string expected) =>
        Describe(line).ShouldBe(expected);

    [Fact]
    public void A_line_of_more_than_a_hundred_tokens_ends_in_one_token_for_the_rest()
    {
        var line = string.Join(' ', Enumerable.Range(1, 150).Select(i => $"w{i}")) + "  ";
        var tokens = new List<LogToken>();
        LogTokenizer.Tokenize(line, tokens);
        tokens.Count.ShouldBe(LogTokenizer.MaxTokens);
        var last = tokens[^1];
        line.Substring(last.Start, last.Length).ShouldBe(string.Join(' ', Enumerable.Range(100, 51).Select(i => $"w{i}")));
        last.Kind.ShouldBe(LogTokenKind.Other);
    }

    [Fact]
    public void Random_lines_tokenize_into_ordered_ranges_and_cluster_without_failing()
    {
        const string alphabet = "ab Z09:/.-_=,[]{}\"'\t\n\u0000é%+@ERRORwarn";
        var lines = Gen.Elements(alphabet.ToCharArray()).ListOf().Select(chars => new string([.. chars])).ArrayOf();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300).WithEndSize(120), Prop.ForAll(Arb.From(lines), batch =>
        {
            var tokens = new List<LogToken>();
            foreach (var line in batch)
            {
                LogTokenizer.Tokenize(line, tokens);
                tokens.Count.ShouldBeLessThanOrEqualTo(LogTokenizer.MaxTokens);
                var end = 0;
                foreach (var t in tokens)
                {
                    t.Start.ShouldBeGreaterThanOrEqualTo(end, line);
                    t.Length.ShouldBeGreaterThan(0, line);
                    end = t.Start + t.Length;
                    end.ShouldBeLessThanOrEqualTo(line.Length, line);
                }
            }

            var events = batch.Select((m, i) => new LogEventInput("1:g", "s", InsightsCorpus.T0 + (i * 1000) - 60_000, 0, i, m));
            var result = InsightsQuery.Compile("pattern @message | diff", InsightsCorpus.T0, InsightsCorpus.T0 + 59_999).Run(events);
            result.Rows.Sum(r => long.Parse(r.Single(f => f.Field == "@sampleCount").Value, CultureInfo.InvariantCulture))
                .ShouldBe(batch.Skip(60).Take(60).LongCount());
            return true;
        }));
    }

    private static string Describe(string line)
    {
        var tokens = new List<LogToken>();
        LogTokenizer.Tokenize(line, tokens);
        return string.Join(' ', tokens.Select(t => t.IsDynamic ? $"{line.AsSpan(t.Start, t.Length)}:{t.Kind}" : line.Substring(t.Start, t.Length)));
    }
}
