using Vigil.Logs.Insights;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api.Insights;

/// <summary>Logs Insights' errors, in CloudWatch Logs' codes.</summary>
internal static class InsightsErrors
{
    /// <summary>The query does not compile: the message and the offending text's span (<c>endCharOffset</c> exclusive).</summary>
    public static AwsServiceException Malformed(InsightsQueryException e) =>
        AwsServiceException.FromModel(LogsModel.Service, "MalformedQueryException", e.Message, new MalformedQueryException
        {
            QueryCompileError = new QueryCompileError
            {
                Message = e.Message,
                Location = new QueryCompileErrorLocation { StartCharOffset = e.Offset, EndCharOffset = e.Offset + Math.Max(e.Length, 1) },
            },
        });

    public static AwsServiceException GroupNotFound(Engine.Catalog.LogGroupKey key) =>
        AwsServiceException.FromModel(LogsModel.Service, "ResourceNotFoundException", $"Log group '{key.Name}' does not exist for account ID '{key.AccountId}'");

    public static AwsServiceException QueryNotFound() =>
        AwsServiceException.FromModel(LogsModel.Service, "ResourceNotFoundException", "Query does not exist.");

    public static AwsServiceException TooManyQueries() =>
        AwsServiceException.FromModel(LogsModel.Service, "LimitExceededException", $"Account maximum query concurrency limit of [{QueryRegistry.MaxActivePerAccount}] reached.");

    public static AwsServiceException DefinitionNotFound() =>
        AwsServiceException.FromModel(LogsModel.Service, "ResourceNotFoundException", "The specified query definition does not exist.");
}
