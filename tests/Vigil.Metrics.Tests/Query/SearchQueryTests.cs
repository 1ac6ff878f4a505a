using Vigil.Metrics.Model;
using Vigil.Metrics.Query;
using static Vigil.Metrics.Tests.Query.Catalogue;

namespace Vigil.Metrics.Tests.Query;

public sealed class SearchQueryTests
{
    [Theory]
    [InlineData("CustomCount1", new[] { "Custom", "Count", "1" })]
    [InlineData("SDBFailure", new[] { "SDB", "Failure" })]
    [InlineData("Project2-trial333", new[] { "Project", "2", "trial", "333" })]
    [InlineData("Network-Errors_2", new[] { "Network", "Errors", "2" })]
    [InlineData("AWS/EC2", new[] { "AWS", "EC", "2" })]
    [InlineData("i-0abc12", new[] { "i", "0", "abc", "12" })]
    [InlineData("--", new string[0])]
    public void Names_split_into_tokens_at_case_digits_and_punctuation(string name, string[] tokens) =>
        SearchTokens.ToStrings(name).ShouldBe(tokens);

    [Theory]
    [InlineData("CustomCount1", "customcount1")]
    [InlineData("Project2-trial333", "project2trial333")]
    public void The_whole_string_token_is_lower_case_without_punctuation(string name, string joined) =>
        SearchTokens.Joined(name).ShouldBe(joined);

    [Theory]
    // One token: any case. Several tokens from one word: exact case, consecutive.
    [InlineData("count", true)]
    [InlineData("Count", true)]
    [InlineData("COUNT", true)]
    [InlineData("couNT", false)]
    [InlineData("CustomCount", true)]
    [InlineData("Count1", true)]
    [InlineData("customcount", false)]
    [InlineData("count1", false)]
    [InlineData("customcount1", true)]
    [InlineData("Custom1", false)]
    [InlineData("1", true)]
    public void Partial_terms_follow_the_token_rules(string term, bool matches) =>
        new PartialTerm(term).Matches("CustomCount1").ShouldBe(matches);

    [Theory]
    [InlineData("network/errors")]
    [InlineData("network+errors")]
    [InlineData("network-errors")]
    [InlineData("Network_Errors")]
    public void Punctuation_in_a_term_matches_consecutive_tokens_of_either_spelling(string term)
    {
        new PartialTerm(term).Matches("Network-Errors-2").ShouldBeTrue();
        new PartialTerm(term).Matches("NetworkErrors2").ShouldBeTrue();
        new PartialTerm(term).Matches("ErrorsNetwork").ShouldBeFalse();
    }

    [Theory]
    [InlineData("{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\"", new[] { 1, 2, 3 })]
    [InlineData("{AWS/EC2,InstanceType}", new[] { 4, 5 })]
    [InlineData("{AWS/EC2}", new[] { 6 })]
    [InlineData("{AWS/EC2,InstanceId} network packets", new[] { 7, 8 })]
    [InlineData("{AWS/EC2,InstanceId} network AND packets", new[] { 7, 8 })]
    [InlineData("{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" NOT i-0002", new[] { 1, 3 })]
    [InlineData("count", new[] { 22 })]
    [InlineData("couNT", new int[0])]
    [InlineData("ec2", new int[0])] // several tokens from one word: case must match "EC2"
    [InlineData("EC2", new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })]
    [InlineData("cpuUtilization", new[] { 1, 2, 3, 4, 5, 6, 11 })] // equals the whole-name token "cpuutilization"
    [InlineData("cpuUtil", new int[0])]
    [InlineData("CPUUtilization", new[] { 1, 2, 3, 4, 5, 6, 11 })]
    [InlineData("utilization", new[] { 1, 2, 3, 4, 5, 6, 11 })]
    [InlineData("PacketsIn", new[] { 7, 8 })]
    [InlineData("packetsin", new int[0])]
    [InlineData("sdb", new[] { 23 })]
    [InlineData("failure", new[] { 23 })]
    [InlineData("network-errors", new[] { 24 })]
    [InlineData("\"Network-Errors-2\"", new[] { 24 })]
    [InlineData("\"Network_Errors_2\"", new int[0])]
    [InlineData("\"Europe\\\\France Traffic\\(Network\\)\"", new[] { 30 })]
    [InlineData("Errors", new[] { 13, 14, 15, 20, 24 })]
    [InlineData("\"Errors\"", new[] { 13, 14, 15, 20 })]
    [InlineData("\"errors\"", new int[0])]
    [InlineData("NOT Namespace=AWS", new[] { 22, 23, 24, 25, 26, 27, 28, 29, 30 })]
    [InlineData("(EC2 OR Lambda) AND MetricName=ReadOps", new[] { 9, 10 })]
    [InlineData("(EC2 OR Lambda) MetricName=ReadOps", new[] { 9, 10 })]
    [InlineData("{AWS/Lambda,FunctionName} MetricName=\"Errors\" OR (MetricName=\"Invocations\" AND (ProjectA OR ProjectB))", new[] { 13, 14, 15, 16, 17 })]
    [InlineData("InstanceType=micro", new[] { 4 })]
    [InlineData("InstanceType=\"t2.micro\" Namespace=\"AWS/EC2\"", new[] { 4 })]
    [InlineData("InstanceType=\"micro\"", new int[0])]
    [InlineData("FunctionName=(\"billing\" OR \"ProjectA-handler\")", new[] { 13, 15, 16, 18, 19, 21 })]
    [InlineData("\"FunctionName\"=(\"billing\" OR ProjectB) NOT MetricName=Invocations", new[] { 14, 15, 19 })]
    [InlineData("{\"MyApp/Orders\", Service}", new[] { 22, 23, 24 })]
    [InlineData("{MyApp/Orders Service Operation} Pay", new[] { 25, 27 })]
    [InlineData("{AWS/Lambda, FunctionName}, MetricName=\"Errors\"", new[] { 13, 14, 15 })]
    [InlineData("{AWS/Lambda, FunctionName, Resource} live", new[] { 21 })]
    [InlineData("Errors and", new int[0])] // lower-case "and" is a word to search for, not the operator
    [InlineData("(\"checkout\" OR \"gateway\") NOT Latency", new[] { 22, 23, 24 })]
    [InlineData("\"checkout\" OR \"gateway\" NOT Latency", new[] { 22, 23, 24, 25, 26 })]
    [InlineData("NOT NOT Duration", new[] { 19 })]
    [InlineData("Service", new[] { 22, 23, 24, 25, 26, 27, 29 })] // dimension names are searched too
    public void Search_terms_select_the_hand_checked_metrics(string query, int[] expected) =>
        SearchMatches(query).ShouldBe(expected);

    [Fact]
    public void Or_binds_looser_than_the_implicit_and()
    {
        // "a b OR c" is (a AND b) OR c: DiskReadOps of i-0001, plus every Duration.
        SearchMatches("DiskReadOps i-0001 OR Duration").ShouldBe([9, 19]);
    }

    [Fact]
    public void The_schema_is_exposed_sorted()
    {
        var q = SearchQuery.Parse("{ \"My App\" , Zone Host }");
        q.Namespace.ShouldBe("My App");
        q.SchemaDimensions.ShouldBe(["Host", "Zone"]);
        SearchQuery.Parse("errors").Namespace.ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("(Errors")]
    [InlineData("Errors)")]
    [InlineData("\"unterminated")]
    [InlineData("\"ends in backslash\\")]
    [InlineData("{AWS/EC2")]
    [InlineData("{}")]
    [InlineData("Errors {AWS/EC2}")]
    [InlineData("AND Errors")]
    [InlineData("Errors OR")]
    [InlineData("NOT")]
    [InlineData("MetricName=")]
    [InlineData("MetricName=(Errors")]
    [InlineData("=Errors")]
    [InlineData("FunctionName=(MetricName=Errors)")]
    [InlineData(":aws.AccountId = \"111122223333\"")]
    [InlineData("()")]
    public void Malformed_queries_are_rejected(string query)
    {
        var ex = Should.Throw<MetricQueryException>(() => SearchQuery.Parse(query));
        ex.Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Queries_longer_than_1024_characters_are_rejected()
    {
        var ok = new string('a', 1024);
        SearchQuery.Parse(ok).Matches(M[1]).ShouldBeFalse();
        Should.Throw<MetricQueryException>(() => SearchQuery.Parse(ok + "a")).Message.ShouldContain("1024");
    }

    [Fact]
    public void Long_names_are_matched_past_the_stack_buffer()
    {
        var name = string.Concat(Enumerable.Repeat("Alpha", 100)) + "OmegaPoint";
        var metric = new MetricIdentity("Long", name);
        SearchQuery.Parse("OmegaPoint").Matches(metric).ShouldBeTrue();
        SearchQuery.Parse("omega").Matches(metric).ShouldBeTrue();
        SearchQuery.Parse("PointOmega").Matches(metric).ShouldBeFalse();
    }
}
