using System.Text;
using Shouldly;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Shapes.CloudWatch;
using Xunit;

namespace Vigil.Protocol.Tests.Codecs;

public class JsonParallelListTests
{
    [Fact]
    public void A_list_encoded_in_parallel_is_byte_for_byte_the_sequential_encoding()
    {
        var operation = CloudWatchModel.Service.Operations["GetMetricData"];
        var output = new GetMetricDataOutput { MetricDataResults = [], NextToken = "t" };
        var random = new Random(7);
        for (var r = 0; r < 40; r++)
        {
            var result = new MetricDataResult { Id = $"q{r}", Label = $"label \"{r}\"", StatusCode = "Complete", Timestamps = [], Values = [] };
            for (var i = 0; i < 200 + r; i++)
            {
                result.Timestamps.Add(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + (i * 60)));
                result.Values.Add(r % 3 == 0 ? random.NextDouble() * 1e6 : Math.Round(random.NextDouble() * 100, 2));
            }
            output.MetricDataResults.Add(result);
        }
        // A list with fewer numbers than make parallel work worth it stays sequential; both must look the same.
        var small = new GetMetricDataOutput { MetricDataResults = [.. output.MetricDataResults.Take(3)] };

        string Encode(GetMetricDataOutput o)
        {
            using var response = new WireResponse();
            JsonShapeWriter.WriteBody(response, o, operation.Output);
            return Encoding.UTF8.GetString(response.Body.Span);
        }
        var sequential = Encode(output);
        var sequentialSmall = Encode(small);
        JsonShapeWriter.EncodeInParallel(operation.Output!.Members.Single(m => m.Name == "MetricDataResults").Shape, r => ((MetricDataResult)r).Values!.Count * 10);
        Encode(output).ShouldBe(sequential);
        Encode(small).ShouldBe(sequentialSmall);
        sequential.ShouldStartWith("{\"MetricDataResults\":[{\"Id\":\"q0\",");
        sequential.ShouldEndWith("],\"NextToken\":\"t\"}");
        // Every number reads back as what was encoded (the lists are formatted outside the JSON writer).
        using var doc = System.Text.Json.JsonDocument.Parse(sequential);
        var results = doc.RootElement.GetProperty("MetricDataResults").EnumerateArray().ToList();
        results.Count.ShouldBe(40);
        for (var r = 0; r < 40; r++)
        {
            var expected = output.MetricDataResults[r];
            results[r].GetProperty("Timestamps").EnumerateArray().Select(t => t.GetInt64())
                .ShouldBe(expected.Timestamps!.Select(t => t.ToUnixTimeSeconds()));
            results[r].GetProperty("Values").EnumerateArray().Select(v => v.GetDouble()).ShouldBe(expected.Values!);
        }
    }

    [Fact]
    public void Numeric_lists_read_back_exactly_and_non_finite_values_are_written_as_strings()
    {
        var operation = CloudWatchModel.Service.Operations["GetMetricData"];
        double[] values = [0, -0.0, 37.5, 1.0 / 3, -2.5e-9, 1e300, 123456789.125, 4294967296.5];
        var result = new MetricDataResult
        {
            Id = "a",
            Timestamps = [DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250), DateTimeOffset.FromUnixTimeSeconds(0)],
            Values = [.. values],
        };
        var withNaN = new MetricDataResult { Id = "b", Values = [1.5, double.NaN, double.PositiveInfinity] };
        using var response = new WireResponse();
        JsonShapeWriter.WriteBody(response, new GetMetricDataOutput { MetricDataResults = [result, withNaN] }, operation.Output);
        var text = Encoding.UTF8.GetString(response.Body.Span);
        text.ShouldContain("\"Timestamps\":[1700000000.25,0]");
        text.ShouldContain("\"Values\":[0,-0,37.5,0.3333333333333333,-2.5E-09,1E+300,123456789.125,4294967296.5]");
        text.ShouldContain("\"Values\":[1.5,\"NaN\",\"Infinity\"]");
    }

    [Fact]
    public void Only_list_shapes_can_be_encoded_in_parallel()
    {
        var output = CloudWatchModel.Service.Operations["GetMetricData"].Output!;
        Should.Throw<ArgumentException>(() => JsonShapeWriter.EncodeInParallel(output, _ => 1));
    }
}
