using Vigil.Logs.Engine;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api.Insights;

/// <summary>The Logs Insights operations over one <see cref="LogStore"/> (called from <see cref="LogsApi.Register"/>).</summary>
internal static class InsightsApi
{
    public static void Register(OperationHandlers handlers, LogStore store)
    {
        var service = LogsModel.Service;
        var queries = new InsightsQueriesHandler(new QueryRegistry(store));
        handlers.Register<StartQueryRequest, StartQueryResponse>(service, "StartQuery", queries.StartQueryAsync);
        handlers.Register<GetQueryResultsRequest, GetQueryResultsResponse>(service, "GetQueryResults", queries.GetQueryResultsAsync);
        handlers.Register<StopQueryRequest, StopQueryResponse>(service, "StopQuery", queries.StopQueryAsync);
        handlers.Register<DescribeQueriesRequest, DescribeQueriesResponse>(service, "DescribeQueries", queries.DescribeQueriesAsync);

        var records = new LogRecordsHandler(store);
        handlers.Register<GetLogRecordRequest, GetLogRecordResponse>(service, "GetLogRecord", records.GetLogRecordAsync);
        handlers.Register<GetLogGroupFieldsRequest, GetLogGroupFieldsResponse>(service, "GetLogGroupFields", records.GetLogGroupFieldsAsync);

        var definitions = new QueryDefinitionsHandler(new QueryDefinitionStore(store.DataDirectory, store.SyncMode), store.Clock);
        handlers.Register<PutQueryDefinitionRequest, PutQueryDefinitionResponse>(service, "PutQueryDefinition", definitions.PutQueryDefinitionAsync);
        handlers.Register<DescribeQueryDefinitionsRequest, DescribeQueryDefinitionsResponse>(service, "DescribeQueryDefinitions", definitions.DescribeQueryDefinitionsAsync);
        handlers.Register<DeleteQueryDefinitionRequest, DeleteQueryDefinitionResponse>(service, "DeleteQueryDefinition", definitions.DeleteQueryDefinitionAsync);
    }
}
