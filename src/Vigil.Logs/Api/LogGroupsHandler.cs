using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api;

/// <summary>
/// Log group lifecycle and settings: CreateLogGroup, DeleteLogGroup, Put/DeleteRetentionPolicy,
/// Associate/DisassociateKmsKey and PutLogGroupDeletionProtection. The KMS key is recorded and reported, not used:
/// Vigil does not encrypt with customer keys.
/// </summary>
internal sealed class LogGroupsHandler(LogStore store)
{
    public async ValueTask CreateLogGroupAsync(CallContext context, CreateLogGroupRequest input, CancellationToken ct)
    {
        var name = input.LogGroupName!;
        LogRules.CheckNewGroupName(name);
        if (input.Tags is { } tags)
        {
            LogRules.CheckTagKeys(tags.Keys);
        }

        await LogsErrors.Run(() => store.CreateLogGroupAsync(LogRules.Key(context, name), input.KmsKeyId, input.LogGroupClass, input.DeletionProtectionEnabled ?? false, input.Tags, ct)).ConfigureAwait(false);
    }

    public ValueTask DeleteLogGroupAsync(CallContext context, DeleteLogGroupRequest input, CancellationToken ct) =>
        LogsErrors.Run(() => store.DeleteLogGroupAsync(LogRules.Key(context, input.LogGroupName!), ct));

    public ValueTask PutRetentionPolicyAsync(CallContext context, PutRetentionPolicyRequest input, CancellationToken ct)
    {
        LogRules.CheckRetention(input.RetentionInDays!.Value);
        return LogsErrors.Run(() => store.SetRetentionAsync(LogRules.Key(context, input.LogGroupName!), input.RetentionInDays, ct));
    }

    public ValueTask DeleteRetentionPolicyAsync(CallContext context, DeleteRetentionPolicyRequest input, CancellationToken ct) =>
        LogsErrors.Run(() => store.SetRetentionAsync(LogRules.Key(context, input.LogGroupName!), null, ct));

    public ValueTask AssociateKmsKeyAsync(CallContext context, AssociateKmsKeyRequest input, CancellationToken ct) =>
        KmsTarget(context, input.LogGroupName, input.ResourceIdentifier) is { } key
            ? LogsErrors.Run(() => store.SetKmsKeyAsync(key, input.KmsKeyId, ct))
            : ValueTask.CompletedTask;

    public ValueTask DisassociateKmsKeyAsync(CallContext context, DisassociateKmsKeyRequest input, CancellationToken ct) =>
        KmsTarget(context, input.LogGroupName, input.ResourceIdentifier) is { } key
            ? LogsErrors.Run(() => store.SetKmsKeyAsync(key, null, ct))
            : ValueTask.CompletedTask;

    public ValueTask PutLogGroupDeletionProtectionAsync(CallContext context, PutLogGroupDeletionProtectionRequest input, CancellationToken ct) =>
        LogsErrors.Run(() => store.SetDeletionProtectionAsync(LogRules.Identified(context, input.LogGroupIdentifier!), input.DeletionProtectionEnabled!.Value, ct));

    /// <summary>
    /// The log group an Associate/DisassociateKmsKey call targets: by name or by resourceIdentifier, not both. The
    /// account's query-result resource (<c>arn:aws:logs:REGION:ACCOUNT:query-result:*</c>) is accepted and has nothing
    /// to record: Vigil keeps no query results encrypted.
    /// </summary>
    private static LogGroupKey? KmsTarget(CallContext context, string? logGroupName, string? resourceIdentifier)
    {
        if ((logGroupName is null) == (resourceIdentifier is null))
        {
            throw LogsErrors.InvalidParameter("Specify either logGroupName or resourceIdentifier, but not both.");
        }

        if (logGroupName is not null)
        {
            return LogRules.Key(context, logGroupName);
        }

        if (resourceIdentifier == $"arn:aws:logs:{context.Region}:{context.Identity.AccountId}:query-result:*")
        {
            return null;
        }

        return LogRules.TryParseGroupArn(resourceIdentifier!, out _)
            ? LogRules.Identified(context, resourceIdentifier!)
            : throw LogsErrors.InvalidParameter($"Invalid resourceIdentifier: {resourceIdentifier}");
    }
}
