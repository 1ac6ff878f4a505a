using Vigil.Metrics.Api.FastPath;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Metrics.Engine;
using Vigil.Metrics.Reading;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes;
using Vigil.Protocol.Shapes.CloudWatch;

namespace Vigil.Metrics.Api;

/// <summary>The CloudWatch metric operations, registered with the gateway over one <see cref="MetricStore"/>.</summary>
public static class MetricsApi
{
    public static void Register(OperationHandlers handlers, MetricStore store)
    {
        var put = new PutMetricDataHandler(store);
        handlers.Register<PutMetricDataInput>(CloudWatchModel.Service, "PutMetricData", put.HandleAsync);
        var putMetricData = new PutMetricDataFastPath(store);
        handlers.RegisterRaw(CloudWatchModel.Service, "PutMetricData", WireProtocol.AwsJson1_0, putMetricData.HandleAsync);
        handlers.RegisterRaw(CloudWatchModel.Service, "PutMetricData", WireProtocol.AwsQuery, putMetricData.HandleFormAsync);
        handlers.RegisterRaw(CloudWatchModel.Service, "PutMetricData", WireProtocol.RpcV2Cbor, putMetricData.HandleCborAsync);
        // The audit record keeps the namespace, not the datapoints (up to 1,000 datums and 1 MB a call).
        handlers.RegisterAuditProjection(CloudWatchModel.Service, "PutMetricData", static input => new PutMetricDataInput { Namespace = ((PutMetricDataInput)input).Namespace });
        var list = new ListMetricsHandler(store);
        handlers.Register<ListMetricsInput, ListMetricsOutput>(CloudWatchModel.Service, "ListMetrics", list.HandleAsync);
        var reader = new MetricReader(store);
        var statistics = new GetMetricStatisticsHandler(reader);
        handlers.Register<GetMetricStatisticsInput, GetMetricStatisticsOutput>(CloudWatchModel.Service, "GetMetricStatistics", statistics.HandleAsync);
        var data = new GetMetricDataHandler(reader);
        // A 500-query answer is megabytes of numbers: its results are encoded on all cores (JSON protocols).
        var results = CloudWatchModel.Service.Operations["GetMetricData"].Output!.Members.Single(m => m.Name == "MetricDataResults");
        JsonShapeWriter.EncodeInParallel(results.Shape, static r => ((MetricDataResult)r).Values?.Count ?? 0);
        handlers.Register<GetMetricDataInput, GetMetricDataOutput>(CloudWatchModel.Service, "GetMetricData", data.HandleAsync);
    }
}
