using FsCheck;
using FsCheck.Fluent;
using Vigil.Metrics.Model;
using Vigil.Metrics.Statistics;

namespace Vigil.Metrics.Tests.Statistics;

public sealed class StatisticSpecTests
{
    public static TheoryData<string, StatisticKind, StatisticBounds, double, double> Accepted => new()
    {
        { "SampleCount", StatisticKind.SampleCount, StatisticBounds.None, double.NaN, double.NaN },
        { "Average", StatisticKind.Average, StatisticBounds.None, double.NaN, double.NaN },
        { "Sum", StatisticKind.Sum, StatisticBounds.None, double.NaN, double.NaN },
        { "Minimum", StatisticKind.Minimum, StatisticBounds.None, double.NaN, double.NaN },
        { "Maximum", StatisticKind.Maximum, StatisticBounds.None, double.NaN, double.NaN },
        { "p99", StatisticKind.Percentile, StatisticBounds.None, double.NaN, 99 },
        { "p99.9", StatisticKind.Percentile, StatisticBounds.None, double.NaN, 99.9 },
        { "p0", StatisticKind.Percentile, StatisticBounds.None, double.NaN, 0 },
        { "p0.0", StatisticKind.Percentile, StatisticBounds.None, double.NaN, 0 },
        { "p100", StatisticKind.Percentile, StatisticBounds.None, double.NaN, 100 },
        { "p100.0000000000", StatisticKind.Percentile, StatisticBounds.None, double.NaN, 100 },
        { "p95.0123456789", StatisticKind.Percentile, StatisticBounds.None, double.NaN, 95.0123456789 },
        { "p95.45", StatisticKind.Percentile, StatisticBounds.None, double.NaN, 95.45 },
        { "tm99", StatisticKind.TrimmedMean, StatisticBounds.Percent, double.NaN, 99 },
        { "tm10.5", StatisticKind.TrimmedMean, StatisticBounds.Percent, double.NaN, 10.5 },
        { "wm98", StatisticKind.WinsorizedMean, StatisticBounds.Percent, double.NaN, 98 },
        { "tc90", StatisticKind.TrimmedCount, StatisticBounds.Percent, double.NaN, 90 },
        { "ts90", StatisticKind.TrimmedSum, StatisticBounds.Percent, double.NaN, 90 },
        { "TM(10%:90%)", StatisticKind.TrimmedMean, StatisticBounds.Percent, 10, 90 },
        { "TM(2%:98%)", StatisticKind.TrimmedMean, StatisticBounds.Percent, 2, 98 },
        { "TM(:95%)", StatisticKind.TrimmedMean, StatisticBounds.Percent, double.NaN, 95 },
        { "TM(80%:)", StatisticKind.TrimmedMean, StatisticBounds.Percent, 80, double.NaN },
        { "TM(0%:100%)", StatisticKind.TrimmedMean, StatisticBounds.Percent, 0, 100 },
        { "TM(150:1000)", StatisticKind.TrimmedMean, StatisticBounds.Value, 150, 1000 },
        { "TC(0.005:0.030)", StatisticKind.TrimmedCount, StatisticBounds.Value, 0.005, 0.03 },
        { "TC(:0.5)", StatisticKind.TrimmedCount, StatisticBounds.Value, double.NaN, 0.5 },
        { "TS(80%:)", StatisticKind.TrimmedSum, StatisticBounds.Percent, 80, double.NaN },
        { "WM(10%:90%)", StatisticKind.WinsorizedMean, StatisticBounds.Percent, 10, 90 },
        { "WM(100:200)", StatisticKind.WinsorizedMean, StatisticBounds.Value, 100, 200 },
        { "PR(10:50)", StatisticKind.PercentileRank, StatisticBounds.Value, 10, 50 },
        { "PR(:300)", StatisticKind.PercentileRank, StatisticBounds.Value, double.NaN, 300 },
        { "PR(100:)", StatisticKind.PercentileRank, StatisticBounds.Value, 100, double.NaN },
        { "PR(-5:5)", StatisticKind.PercentileRank, StatisticBounds.Value, -5, 5 },
        { "IQM", StatisticKind.TrimmedMean, StatisticBounds.Percent, 25, 75 },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepts_the_forms_AWS_documents(string text, StatisticKind kind, StatisticBounds bounds, double lower, double upper)
    {
        StatisticSpec.TryParse(text, out var spec, out var error).ShouldBeTrue(error);
        error.ShouldBeNull();
        spec.Name.ShouldBe(text); // echoed back exactly as sent
        spec.Kind.ShouldBe(kind);
        spec.Bounds.ShouldBe(bounds);
        spec.Lower.ShouldBe(lower);
        spec.Upper.ShouldBe(upper);
        spec.IsExtended.ShouldBe(kind >= StatisticKind.Percentile);
    }

    public static TheoryData<string?, string> Rejected => new()
    {
        { null, "must not be empty" },
        { "", "must not be empty" },
        { "average", "is not valid. Use SampleCount" },
        { "SAMPLECOUNT", "is not valid. Use SampleCount" },
        { "Avg", "is not valid. Use SampleCount" },
        { "p", "not a valid percentile" },
        { "p101", "not a valid percentile" },
        { "p100.1", "not a valid percentile" },
        { "p-1", "not a valid percentile" },
        { "p+5", "not a valid percentile" },
        { "p99.", "not a valid percentile" },
        { "p.5", "not a valid percentile" },
        { "p1e2", "not a valid percentile" },
        { "p99,9", "not a valid percentile" },
        { "p 99", "not a valid percentile" },
        { "p99 ", "not a valid percentile" },
        { "p95.01234567891", "at most 10 decimal places" },
        { "P99", "lowercase p" },
        { "tm10:90", "write a range in parentheses" },
        { "TM99", "single-number form is lowercase, as in tm90" },
        { "tm(10%:90%)", "uppercase name, as in TM(10%:90%)" },
        { "tm101", "percentage from 0 to 100" },
        { "tm", "percentage from 0 to 100" },
        { "TM(10%:90)", "both bounds must be percentages or both must be values" },
        { "TM(:)", "at least one bound" },
        { "TM()", "one colon between the bounds" },
        { "TM(10%)", "one colon between the bounds" },
        { "TM(1:2:3)", "one colon between the bounds" },
        { "TM(10%:90%", "closing parenthesis" },
        { "TM(90%:10%)", "lower bound must be less than the upper bound" },
        { "TM(10%:10%)", "lower bound must be less than the upper bound" },
        { "TM(101%:)", "percentages must be from 0 to 100" },
        { "TM(-5%:)", "percentages must be from 0 to 100" },
        { "TM(1e3:)", "plain decimal numbers" },
        { "TM( 1:2)", "plain decimal numbers" },
        { "PR(10%:50%)", "bounds are metric values, not percentages" },
        { "PR90", "percentile rank takes a range of values" },
        { "pr(1:2)", "not a valid percentile" },
        { "iqm", "is not valid. Use SampleCount" },
        { "IQM ", "is not valid. Use SampleCount" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Rejects_what_AWS_does_not_document_with_a_reason(string? text, string reason)
    {
        StatisticSpec.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
        error.ShouldContain(reason);
        if (text is not null)
        {
            Should.Throw<MetricQueryException>(() => StatisticSpec.Parse(text)).Message.ShouldBe(error);
        }
    }

    [Fact]
    public void Overlong_input_is_rejected_before_any_parsing()
    {
        StatisticSpec.TryParse("p" + new string('9', 500), out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
        error.ShouldContain("longer than 128");
    }

    [Fact]
    public void Spec_equality_is_by_the_text_sent()
    {
        StatisticSpec.Parse("p99").ShouldBe(StatisticSpec.Parse("p99"));
        StatisticSpec.Parse("p99").ShouldNotBe(StatisticSpec.Parse("p99.0"));
        StatisticSpec.Average.ShouldBe(StatisticSpec.Parse("Average"));
        StatisticSpec.Parse("IQM").ToString().ShouldBe("IQM");
    }

    private static readonly string[] Seeds =
        ["p99.9", "tm90", "TM(10%:90%)", "TM(:95%)", "TC(0.005:0.030)", "PR(100:2000)", "WM(1:2)", "IQM", "SampleCount", "ts5"];

    private const string Alphabet = "pPtTmMwWcCsSrRIQ0123456789.:%()-+e ,";

    private static Gen<string> Mutated =>
        from seed in Gen.Elements(Seeds)
        from edits in Gen.Choose(1, 4)
        from positions in Gen.ArrayOf(Gen.Choose(0, 100), edits)
        from chars in Gen.ArrayOf(Gen.Elements(Alphabet.ToCharArray()), edits)
        from ops in Gen.ArrayOf(Gen.Choose(0, 2), edits)
        select Mutate(seed, positions, chars, ops);

    private static string Mutate(string seed, int[] positions, char[] chars, int[] ops)
    {
        var s = seed;
        for (var i = 0; i < ops.Length; i++)
        {
            var at = positions[i] % (s.Length + 1);
            s = ops[i] switch
            {
                0 => s.Insert(at, chars[i].ToString()),
                1 when at < s.Length => s.Remove(at, 1),
                _ when at < s.Length => s[..at] + chars[i] + s[(at + 1)..],
                _ => s,
            };
        }
        return s;
    }

    private static Gen<string> Random =>
        Gen.ArrayOf(Gen.Elements(Alphabet.ToCharArray())).Select(c => new string(c));

    [Fact]
    public void Fuzz_never_throws_and_accepted_specs_are_consistent()
    {
        var arb = Arb.From(Gen.OneOf(Mutated, Random, ArbMap.Default.GeneratorFor<string>()));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000), Prop.ForAll(arb, text =>
        {
            var ok = StatisticSpec.TryParse(text, out var spec, out var error);
            if (!ok)
            {
                return error is { Length: > 0 } && Should.Throw<MetricQueryException>(() => StatisticSpec.Parse(text!)).Message == error;
            }
            // Whatever is accepted is well-formed: bounds in range and ordered, name echoed.
            var percentOk = spec.Bounds != StatisticBounds.Percent
                || (double.IsNaN(spec.Lower) || spec.Lower is >= 0 and <= 100) && (double.IsNaN(spec.Upper) || spec.Upper is >= 0 and <= 100);
            var ordered = double.IsNaN(spec.Lower) || double.IsNaN(spec.Upper) || spec.Lower < spec.Upper;
            return error is null && spec.Name == text && percentOk && ordered;
        }));
    }
}
