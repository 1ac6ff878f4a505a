using Vigil.Logs.Insights.Functions;

namespace Vigil.Logs.Tests.Insights;

/// <summary>The tokenizer behind <c>pattern</c>: which parts of a line are words and which are dynamic, of what kind.</summary>
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

    private static string Describe(string line)
    {
        var tokens = new List<LogToken>();
        LogTokenizer.Tokenize(line, tokens);
        return string.Join(' ', tokens.Select(t => t.IsDynamic ? $"{line.AsSpan(t.Start, t.Length)}:{t.Kind}" : line.Substring(t.Start, t.Length)));
    }
}
