using Vigil.Logs.FilterPatterns;

namespace Vigil.Logs.Tests.FilterPatterns;

/// <summary>JSON patterns, with the events and examples of AWS's "Filter pattern syntax" page.</summary>
public sealed class JsonPatternTests
{
    private const string TrailEvent =
        """{"eventType": "UpdateTrail", "sourceIPAddress": "111.111.111.111", "arrayKey": ["value", "another value"],"""
        + """ "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": null, "cluster.name": "c"}""";

    private const string UsersEvent =
        """{"user": {"id": 1, "email": "John.Stiles@example.com"}, "users": [{"id": 2, "email": "John.Doe@example.com"},"""
        + """ {"id": 3, "email": "Jane.Doe@example.com"}], "actions": ["GET", "PUT", "DELETE"], "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]}""";

    [Theory]
    [InlineData("{ $.eventType = \"UpdateTrail\" }", true)]
    [InlineData("{ $.eventType = UpdateTrail }", true)]
    [InlineData("{ $.eventType != \"UpdateTrail\" }", false)]
    [InlineData("{ $.sourceIPAddress != 123.123.* }", true)]
    [InlineData("{ $.sourceIPAddress = 111.111.* }", true)]
    [InlineData("{ $.arrayKey[0] = \"value\" }", true)]
    [InlineData("{ $.arrayKey[1] = \"value\" }", false)]
    [InlineData("{ $.arrayKey[5] = \"value\" }", false)]
    [InlineData("{ $.objectList[1].id = 2 }", true)]
    [InlineData("{ $.objectList[0].id = 2 }", false)]
    [InlineData("{ $.eventType = %Trail% }", true)]
    [InlineData("{ $.eventType = %^Trail% }", false)]
    [InlineData("{ $.arrayKey[*] = %val.{2}% }", true)]
    [InlineData("{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% }", true)]
    [InlineData("{ $.['cluster.name'] = \"c\" }", true)]
    [InlineData("{ $[\"cluster.name\"] = \"c\" }", true)]
    [InlineData("{ $.cluster.name = \"c\" }", false)]
    [InlineData("{ $.SomeObject IS NULL }", true)]
    [InlineData("{ $.eventType IS NULL }", false)]
    [InlineData("{ $.SomeOtherObject NOT EXISTS }", true)]
    [InlineData("{ $.SomeObject NOT EXISTS }", false)]
    [InlineData("{ $.eventType = \"*\" && $.sourceIPAddress != 123.123.* }", true)]
    [InlineData("{ $.eventType = * }", true)]
    [InlineData("{ $.missing = * }", false)]
    [InlineData("{ $.missing != \"x\" }", false)]
    [InlineData("{ $.objectList = * }", false)]
    [InlineData("{ $.objectList[*].name = b }", true)]
    [InlineData("{ $.objectList[*].name = c }", false)]
    public void Aws_trail_examples(string pattern, bool expected) =>
        FilterPattern.Parse(pattern).Matches(TrailEvent).ShouldBe(expected);

    [Theory]
    [InlineData("{ ($.user.id = 1) && ($.users[0].email = \"John.Doe@example.com\") }", true)]
    [InlineData("{ $.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = \"nonmatch\" && $.actions[2] = \"nonmatch\" }", true)]
    [InlineData("{ ($.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = \"nonmatch\") && $.actions[2] = \"nonmatch\" }", false)]
    [InlineData("{ ($.user.id = 2 && $.users[0].email = \"nonmatch\") || $.actions[2] = \"GET\" }", false)]
    [InlineData("{ $.coordinates[1][2] = 6 }", true)]
    [InlineData("{ $.coordinates[2][0] >= 7 && $.coordinates[2][0] < 8 }", true)]
    [InlineData("{ (($.user.id = 1)) }", true)]
    public void Aws_compound_examples(string pattern, bool expected) =>
        FilterPattern.Parse(pattern).Matches(UsersEvent).ShouldBe(expected);

    [Theory]
    [InlineData("{ $.bandwidth > 75 }", """{"bandwidth": 80}""", true)]
    [InlineData("{ $.bandwidth > 75 }", """{"bandwidth": 75}""", false)]
    [InlineData("{ $.latency < 50 }", """{"latency": 49.99}""", true)]
    [InlineData("{ $.refreshRate >= 60 }", """{"refreshRate": 60}""", true)]
    [InlineData("{ $.responseTime <= 5 }", """{"responseTime": 5.1}""", false)]
    [InlineData("{ $.errorCode = 400}", """{"errorCode": 400}""", true)]
    [InlineData("{ $.errorCode = 400}", """{"errorCode": 400.0}""", true)]
    [InlineData("{ $.errorCode = 400}", """{"errorCode": 4e2}""", true)]
    [InlineData("{ $.errorCode = 400}", """{"errorCode": "400"}""", false)]
    [InlineData("{ $.errorCode = \"400\"}", """{"errorCode": 400}""", true)]
    [InlineData("{ $.errorCode != 500 }", """{"errorCode": 400}""", true)]
    [InlineData("{ $.errorCode = 4* }", """{"errorCode": 404}""", true)]
    [InlineData("{ $.number[0] = 1e+3 }", """{"number": [1000]}""", true)]
    [InlineData("{ $.number[0] != 1e-3 }", """{"number": [0.001]}""", false)]
    [InlineData("{ $.n = -5 }", """{"n": -5}""", true)]
    [InlineData("{ $.n > -5.5 }", """{"n": -5}""", true)]
    [InlineData("{ $.id = 12345678901234567890 }", """{"id": 12345678901234567891}""", false)]
    [InlineData("{ $.big > 1e300 }", """{"big": 1e301}""", true)]
    [InlineData("{ $.ok IS TRUE }", """{"ok": true}""", true)]
    [InlineData("{ $.ok IS FALSE }", """{"ok": true}""", false)]
    [InlineData("{ $.ok is false }", """{"ok": false}""", true)]
    [InlineData("{ $.ok = true }", """{"ok": true}""", true)]
    [InlineData("{ $.level = \"ERROR\" }", """{"level": "\u0045RROR"}""", true)]
    [InlineData("{ $.msg = \"*timeout*\" }", """{"msg": "upstream timeout after 3s"}""", true)]
    [InlineData("{ $.msg = \"a\\\"b\" }", """{"msg": "a\"b"}""", true)]
    [InlineData("{ $.a-b_c = 1 }", """{"a-b_c": 1}""", true)]
    [InlineData("{ $.a = 1 }", """  {"a": 1}  """, true)]
    [InlineData("{ $.a = 1 }", """{"a": 1} trailing""", false)]
    [InlineData("{ $.a = 1 }", """[{"a": 1}]""", false)]
    [InlineData("{ $.a = 1 }", "a = 1", false)]
    [InlineData("{ $.a = 1 }", "{not json", false)]
    [InlineData("{ $.a NOT EXISTS }", "plain text", false)]
    [InlineData("{ $.a.b = 1 }", """{"a": [1]}""", false)]
    [InlineData("{ $.a[0] = 1 }", """{"a": {"0": 1}}""", false)]
    [InlineData("{ $.a.* = 3 }", """{"a": {"x": 1, "y": 3}}""", true)]
    [InlineData("{ $.a[*] NOT EXISTS }", """{"a": []}""", true)]
    [InlineData("{ $.a = \"\" }", """{"a": ""}""", true)]
    [InlineData("{ $.a != x }", """{"a": null}""", false)]
    public void Comparisons(string pattern, string message, bool expected) =>
        FilterPattern.Parse(pattern).Matches(message).ShouldBe(expected);

    [Fact]
    public void Json_patterns_promise_no_substrings() =>
        FilterPattern.Parse("{ $.level = \"ERROR\" && $.status = 503 }").RequiredSubstrings.ShouldBeEmpty();
}
