using System.Text;
using Shouldly;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.AwsQuery;
using Vigil.Protocol.Shapes.CloudWatch;
using Xunit;

namespace Vigil.Protocol.Tests.Codecs;

public class XmlNumericListTests
{
    [Fact]
    public void Numeric_and_timestamp_lists_are_written_as_the_scalar_writer_writes_them()
    {
        var operation = CloudWatchModel.Service.Operations["GetMetricData"];
        double[] values = [37.5, 224.71000000000004, -0.25, 1.0 / 3, 0, 1e20, double.NaN];
        var times = values.Select((_, i) => DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + (i * 60_500))).ToList();
        var output = new GetMetricDataOutput
        {
            MetricDataResults = [new MetricDataResult { Id = "q", Timestamps = times, Values = [.. values], StatusCode = "Complete" }],
        };
        using var response = new WireResponse();
        XmlShapeWriter.WriteMembers(response, output, operation.Output!);
        var xml = Encoding.UTF8.GetString(response.Body.Span);

        var doubleShape = operation.Output!.Members.Single(m => m.Name == "MetricDataResults").Shape.Element!.Members.Single(m => m.Name == "Values").Shape.Element!;
        var expectedValues = string.Concat(values.Select(v => $"<member>{XmlShapeWriter.FormatScalar(v, doubleShape)}</member>"));
        xml.ShouldContain($"<Values>{expectedValues}</Values>");
        xml.ShouldContain("<member>37.5</member><member>224.71000000000004</member><member>-0.25</member><member>0.3333333333333333</member><member>0</member><member>1E+20</member><member>NaN</member>");
        xml.ShouldContain("<Timestamps><member>2023-11-14T22:13:20.000Z</member><member>2023-11-14T22:14:20.500Z</member>");
    }
}
