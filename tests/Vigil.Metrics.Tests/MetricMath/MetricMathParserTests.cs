using Vigil.Metrics.MetricMath;
using Vigil.Metrics.Model;

namespace Vigil.Metrics.Tests.MetricMath;

public sealed class MetricMathParserTests
{
    [Fact]
    public void Nodes_carry_their_columns()
    {
        var root = MetricMathExpression.Parse("m1 + SUM([m2, m3]) * 2").Root.ShouldBeOfType<BinaryNode>();
        root.Operator.ShouldBe(MathOperator.Add);
        root.Column.ShouldBe(4);
        root.Left.ShouldBeOfType<IdNode>().Column.ShouldBe(1);
        var mul = root.Right.ShouldBeOfType<BinaryNode>();
        mul.Operator.ShouldBe(MathOperator.Multiply);
        mul.Column.ShouldBe(20);
        var sum = mul.Left.ShouldBeOfType<CallNode>();
        sum.Name.ShouldBe("SUM");
        sum.Column.ShouldBe(6);
        var array = sum.Arguments.Single().ShouldBeOfType<ArrayNode>();
        array.Column.ShouldBe(10);
        array.Elements.Select(e => ((IdNode)e).Column).ShouldBe([11, 15]);
        mul.Right.ShouldBeOfType<NumberNode>().Value.ShouldBe(2);
    }

    [Fact]
    public void Keywords_strings_and_logic_parse_into_their_nodes()
    {
        var fill = MetricMathExpression.Parse("FILL(m1, REPEAT)").Root.ShouldBeOfType<CallNode>();
        fill.Arguments[1].ShouldBeOfType<KeywordNode>().Word.ShouldBe("REPEAT");
        var metrics = MetricMathExpression.Parse("METRICS('err\\'s')").Root.ShouldBeOfType<CallNode>();
        metrics.Arguments[0].ShouldBeOfType<StringNode>().Value.ShouldBe("err's");
        var cond = MetricMathExpression.Parse("IF(NOT m1 > 5 OR m2, 1, 0)").Root.ShouldBeOfType<CallNode>().Arguments[0];
        var or = cond.ShouldBeOfType<BinaryNode>();
        or.Operator.ShouldBe(MathOperator.Or);
        var not = or.Left.ShouldBeOfType<UnaryNode>();
        not.IsNot.ShouldBeTrue();
        not.Operand.ShouldBeOfType<BinaryNode>().Operator.ShouldBe(MathOperator.Greater);
    }

    [Fact]
    public void Referenced_ids_and_uses_flags()
    {
        var e = MetricMathExpression.Parse("m1 + errors_2 * m1 + SUM(METRICS())");
        e.ReferencedIds.ShouldBe(["m1", "errors_2"]);
        e.UsesMetrics.ShouldBeTrue();
        e.UsesSearch.ShouldBeFalse();
        var s = MetricMathExpression.Parse("SEARCH('{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\"', 'Average', 300)");
        s.ReferencedIds.ShouldBeEmpty();
        s.UsesSearch.ShouldBeTrue();
        s.UsesMetrics.ShouldBeFalse();
    }

    [Theory]
    [InlineData("m1 +", "Syntax Error: Unexpected end of expression at column 5.")]
    [InlineData("(m1 + m2", "Syntax Error: Expected ')' (to close the '(' of column 1) at column 9.")]
    [InlineData("m1 # m2", "Syntax Error: Unexpected character '#' at column 4.")]
    [InlineData("m1 m2", "Syntax Error: Unexpected token 'm2' at column 4.")]
    [InlineData("SUM(m1 m2)", "Syntax Error: Expected ',' or ')' but found token 'm2' at column 8.")]
    [InlineData("SUM(m1", "Syntax Error: Expected ')' (to close the SUM of column 1) at column 7.")]
    [InlineData("[m1, m2", "Syntax Error: Expected ']' (to close the array of column 1) at column 8.")]
    [InlineData("[]", "Syntax Error: An array needs at least one element at column 1.")]
    [InlineData("  ", "Syntax Error: the expression is empty.")]
    [InlineData("METRICS('abc)", "Syntax Error: Unterminated string at column 9.")]
    [InlineData("1..2 + m1", "Syntax Error: Invalid number '1..2' at column 1.")]
    [InlineData("2m1", "Syntax Error: Unexpected character 'm' after a number at column 2.")]
    [InlineData("m1 AND", "Syntax Error: Unexpected end of expression at column 7.")]
    [InlineData("OR m1", "Syntax Error: Unexpected operator OR at column 1.")]
    [InlineData("m1 ! m2", "Syntax Error: Unexpected character '!' at column 4.")]
    [InlineData("FOO(m1)", "Unrecognized function 'FOO' at column 1.")]
    [InlineData("m1 + avg(m1)", "Syntax Error: Unexpected character '(' at column 9.")]
    [InlineData("ABS(m1, m2)", "Function ABS at column 1 expects 1 argument but got 2.")]
    [InlineData("2 * SORT(METRICS())", "Function SORT at column 5 expects 3 to 4 arguments but got 1.")]
    [InlineData("IF(m1)", "Function IF at column 1 expects 2 to 3 arguments but got 1.")]
    [InlineData("ANOMALY_DETECTION_BAND(m1, 2)", "The function ANOMALY_DETECTION_BAND (column 1) is not supported by this server.")]
    [InlineData("m1 + INSIGHT_RULE_METRIC('rule', 'UniqueContributors')", "The function INSIGHT_RULE_METRIC (column 6) is not supported by this server.")]
    [InlineData("LAMBDA('fn', m1)", "The function LAMBDA (column 1) is not supported by this server.")]
    [InlineData("SERVICE_QUOTA(m1)", "The function SERVICE_QUOTA (column 1) is not supported by this server.")]
    public void Errors_point_at_the_column(string text, string message)
    {
        Should.Throw<MetricQueryException>(() => MetricMathExpression.Parse(text)).Message.ShouldBe(message);
    }

    [Fact]
    public void Absurd_nesting_is_rejected_rather_than_overflowing_the_stack()
    {
        var parens = new string('(', 150) + "m1" + new string(')', 150);
        Should.Throw<MetricQueryException>(() => MetricMathExpression.Parse(parens)).Message.ShouldContain("nested too deeply");
        var chain = string.Join("+", Enumerable.Repeat("1", 500));
        Should.Throw<MetricQueryException>(() => MetricMathExpression.Parse(chain)).Message.ShouldContain("nested too deeply");
        var minus = new string('-', 300) + "m1";
        Should.Throw<MetricQueryException>(() => MetricMathExpression.Parse(minus)).Message.ShouldContain("nested too deeply");
        var calls = string.Concat(Enumerable.Repeat("ABS(", 120)) + "m1" + new string(')', 120);
        Should.Throw<MetricQueryException>(() => MetricMathExpression.Parse(calls)).Message.ShouldContain("nested too deeply");
        // Ordinary depth is fine.
        MetricMathExpression.Parse(new string('(', 40) + "m1" + new string(')', 40)).ReferencedIds.ShouldBe(["m1"]);
        MetricMathExpression.Parse(string.Join("+", Enumerable.Repeat("m1", 60))).Root.Depth.ShouldBe(60);
    }

    [Fact]
    public void Expressions_longer_than_cloudwatch_allows_are_rejected()
    {
        var text = "m1" + string.Concat(Enumerable.Repeat(" ", 2047));
        Should.Throw<MetricQueryException>(() => MetricMathExpression.Parse(text)).Message.ShouldContain("maximum is 2048");
    }
}
