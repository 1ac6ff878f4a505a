using Vigil.Metrics.MetricMath;
using Vigil.Metrics.Model;

namespace Vigil.Metrics.Tests.MetricMath;

public sealed class MetricMathPlannerTests
{
    private static (string, MetricMathExpression?) E(string id, string text) => (id, MetricMathExpression.Parse(text));
    private static (string, MetricMathExpression?) M(string id) => (id, null);

    [Fact]
    public void Expressions_come_after_what_they_read()
    {
        MetricMathPlanner.Order([E("e2", "e1 * 2"), E("e1", "m1 + m2"), M("m1"), M("m2")]).ShouldBe(["m1", "m2", "e1", "e2"]);
        MetricMathPlanner.Order([M("m1"), E("e1", "m1"), M("m2")]).ShouldBe(["m1", "e1", "m2"]);
    }

    [Fact]
    public void Metrics_depends_on_every_metric_query()
    {
        MetricMathPlanner.Order([E("total", "SUM(METRICS())"), M("m1"), E("e1", "total / 2"), M("m2")])
            .ShouldBe(["m1", "m2", "total", "e1"]);
    }

    [Theory]
    [InlineData("Circular dependency between expressions: e1 -> e2 -> e1.", "e1", "e2 + 1", "e2", "e1 + 1")]
    [InlineData("Circular dependency between expressions: e1 -> e1.", "e1", "e1 * 2", "e2", "1")]
    [InlineData("Circular dependency between expressions: b -> c -> b.", "a", "b", "b", "c", "c", "b")]
    public void Cycles_are_rejected(string message, params string[] pairs)
    {
        var queries = new List<(string, MetricMathExpression?)> { M("m1") };
        for (var i = 0; i < pairs.Length; i += 2)
        {
            queries.Add(E(pairs[i], pairs[i + 1] == "1" ? "TIME_SERIES(1)" : pairs[i + 1]));
        }
        Should.Throw<MetricQueryException>(() => MetricMathPlanner.Order(queries)).Message.ShouldBe(message);
    }

    [Fact]
    public void Unknown_and_duplicate_ids_are_rejected()
    {
        Should.Throw<MetricQueryException>(() => MetricMathPlanner.Order([M("m1"), E("e1", "m1 + m9")]))
            .Message.ShouldBe("Error in expression e1: Unrecognized metric or expression id 'm9'.");
        Should.Throw<MetricQueryException>(() => MetricMathPlanner.Order([M("m1"), M("m1")]))
            .Message.ShouldBe("The value m1 for parameter MetricDataQueries.member.2.Id is not unique.");
    }

    [Fact]
    public void Evaluating_in_planned_order_chains_results()
    {
        var window = MathTestData.Window;
        var queries = new List<(string Id, MetricMathExpression? Expr)>
        {
            E("e2", "e1 - MIN(e1)"), E("e1", "m1 * 10"), M("m1"),
        };
        var results = new List<KeyValuePair<string, IReadOnlyList<TimeSeries>>>();
        var expressions = new HashSet<string> { "e1", "e2" };
        foreach (var id in MetricMathPlanner.Order(queries))
        {
            var expr = queries.Single(q => q.Id == id).Expr;
            IReadOnlyList<TimeSeries> value = expr is null
                ? [MathTestData.S("m1", 1, 2, 3)]
                : MetricMathEvaluator.Evaluate(expr, new MetricMathContext(window, [.. results]) { ExpressionIds = expressions });
            results.Add(new(id, value));
        }
        MathTestData.Grid(results.Single(r => r.Key == "e2").Value.Single()).ShouldBe([0, 10, 20, null, null]);
    }
}
