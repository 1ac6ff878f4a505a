using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api.Insights;

/// <summary>PutQueryDefinition, DescribeQueryDefinitions and DeleteQueryDefinition over the <see cref="QueryDefinitionStore"/>.
/// An update replaces every member (omitted log groups become none), as documented.</summary>
internal sealed class QueryDefinitionsHandler(QueryDefinitionStore definitions, TimeProvider clock)
{
    public ValueTask<PutQueryDefinitionResponse> PutQueryDefinitionAsync(CallContext context, PutQueryDefinitionRequest input, CancellationToken ct)
    {
        var create = input.QueryDefinitionId is null;
        var definition = new StoredQueryDefinition(
            context.Identity.AccountId,
            context.Region,
            input.QueryDefinitionId ?? Guid.NewGuid().ToString(),
            input.Name!,
            input.QueryString!,
            input.QueryLanguage ?? InsightsQueriesHandler.Language,
            input.LogGroupNames,
            input.Parameters?.Select(p => new StoredQueryParameter(p.Name!, p.DefaultValue, p.Description)).ToArray(),
            clock.GetUtcNow().ToUnixTimeMilliseconds());
        return definitions.Put(definition, create) switch
        {
            QueryDefinitionStore.PutOutcome.NotFound => throw InsightsErrors.DefinitionNotFound(),
            QueryDefinitionStore.PutOutcome.LimitExceeded => throw Protocol.Errors.AwsServiceException.FromModel(LogsModel.Service, "LimitExceededException",
                $"You have reached the maximum number of query definitions ({QueryDefinitionStore.MaxPerAccount})."),
            _ => ValueTask.FromResult(new PutQueryDefinitionResponse { QueryDefinitionId = definition.Id }),
        };
    }

    public ValueTask<DescribeQueryDefinitionsResponse> DescribeQueryDefinitionsAsync(CallContext context, DescribeQueryDefinitionsRequest input, CancellationToken ct)
    {
        var matching = definitions.List(context.Identity.AccountId, context.Region)
            .Where(d => input.QueryDefinitionNamePrefix is null || d.Name.StartsWith(input.QueryDefinitionNamePrefix, StringComparison.Ordinal))
            .Where(d => input.QueryLanguage is null || d.QueryLanguage == input.QueryLanguage)
            .ToList();
        var from = OffsetToken.Start(input.NextToken, matching.Count);

        var count = Math.Min(matching.Count - from, input.MaxResults ?? 1000);
        var output = new DescribeQueryDefinitionsResponse { QueryDefinitions = new List<QueryDefinition>(count) };
        foreach (var d in matching.Skip(from).Take(count))
        {
            output.QueryDefinitions.Add(new QueryDefinition
            {
                QueryLanguage = d.QueryLanguage,
                QueryDefinitionId = d.Id,
                Name = d.Name,
                QueryString = d.QueryString,
                LastModified = d.LastModified,
                LogGroupNames = d.LogGroupNames is null ? null : [.. d.LogGroupNames],
                Parameters = d.Parameters is null ? null : [.. d.Parameters.Select(p => new QueryParameter { Name = p.Name, DefaultValue = p.DefaultValue, Description = p.Description })],
            });
        }

        output.NextToken = OffsetToken.After(from, count, matching.Count);

        return ValueTask.FromResult(output);
    }

    public ValueTask<DeleteQueryDefinitionResponse> DeleteQueryDefinitionAsync(CallContext context, DeleteQueryDefinitionRequest input, CancellationToken ct) =>
        definitions.Delete(context.Identity.AccountId, context.Region, input.QueryDefinitionId!)
            ? ValueTask.FromResult(new DeleteQueryDefinitionResponse { Success = true })
            : throw InsightsErrors.DefinitionNotFound();
}
