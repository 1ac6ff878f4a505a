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
        // A smaller list stays sequential whatever is registered; both must look the same either way.
        var small = new GetMetricDataOutput { MetricDataResults = [.. output.MetricDataResults.Take(3)] };

        string Encode(GetMetricDataOutput o)
        {
            using var response = new WireResponse();
            JsonShapeWriter.WriteBody(response, o, operation.Output);
            return Encoding.UTF8.GetString(response.Body.Span);
        }
        var sequential = Encode(output);
        var sequentialSmall = Encode(small);
        JsonShapeWriter.EncodeInParallel(operation.Output!.Members.Single(m => m.Name == "MetricDataResults").Shape);
        Encode(output).ShouldBe(sequential);
        Encode(small).ShouldBe(sequentialSmall);
        sequential.ShouldStartWith("{\"MetricDataResults\":[{\"Id\":\"q0\",");
        sequential.ShouldEndWith("],\"NextToken\":\"t\"}");
    }

    [Fact]
    public void Only_list_shapes_can_be_encoded_in_parallel()
    {
        var output = CloudWatchModel.Service.Operations["GetMetricData"].Output!;
        Should.Throw<ArgumentException>(() => JsonShapeWriter.EncodeInParallel(output));
    }
}
