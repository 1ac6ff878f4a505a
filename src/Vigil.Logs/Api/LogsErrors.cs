using Vigil.Logs.Engine;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api;

/// <summary>CloudWatch Logs' modelled errors, with the messages CloudWatch Logs sends.</summary>
internal static class LogsErrors
{
    public const string GroupNotFoundMessage = "The specified log group does not exist.";
    public const string StreamNotFoundMessage = "The specified log stream does not exist.";

    public static AwsServiceException InvalidParameter(string message) =>
        AwsServiceException.FromModel(LogsModel.Service, "InvalidParameterException", message);

    public static AwsServiceException GroupNotFound() =>
        AwsServiceException.FromModel(LogsModel.Service, "ResourceNotFoundException", GroupNotFoundMessage);

    public static AwsServiceException StreamNotFound() =>
        AwsServiceException.FromModel(LogsModel.Service, "ResourceNotFoundException", StreamNotFoundMessage);

    public static AwsServiceException InvalidNextToken() => InvalidParameter("The specified nextToken is invalid.");

    /// <summary>Coral's wording for one broken constraint, as the gateway words model violations.</summary>
    public static AwsServiceException Constraint(string member, object? value, string constraint) =>
        InvalidParameter($"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}");

    public static AwsServiceException TooManyTags(string resourceArn) =>
        AwsServiceException.FromModel(LogsModel.Service, "TooManyTagsException", "A resource can have no more than 50 tags.",
            new TooManyTagsException { ResourceName = resourceArn });

    /// <summary>The engine's refusals, in CloudWatch Logs' codes and words.</summary>
    public static AwsServiceException From(LogStoreException e) => e.Error switch
    {
        LogStoreError.LogGroupNotFound => GroupNotFound(),
        LogStoreError.LogStreamNotFound => StreamNotFound(),
        LogStoreError.LogGroupExists => AwsServiceException.FromModel(LogsModel.Service, "ResourceAlreadyExistsException", "The specified log group already exists"),
        LogStoreError.LogStreamExists => AwsServiceException.FromModel(LogsModel.Service, "ResourceAlreadyExistsException", "The specified log stream already exists"),
        LogStoreError.DeletionProtected => DeletionProtected("log group"),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.Error, null),
    };

    public static AwsServiceException DeletionProtected(string what) =>
        AwsServiceException.FromModel(LogsModel.Service, "ValidationException", $"Cannot delete {what} with deletion protection enabled. Disable deletion protection first.");

    /// <summary>Runs an engine change (which may refuse before or after returning its task) with its refusals in CloudWatch Logs' words.</summary>
    public static async ValueTask Run(Func<ValueTask> change)
    {
        try
        {
            await change().ConfigureAwait(false);
        }
        catch (LogStoreException e)
        {
            throw From(e);
        }
    }

    /// <summary>A synchronous engine read, with its refusals in CloudWatch Logs' words.</summary>
    public static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (LogStoreException e)
        {
            throw From(e);
        }
    }
}
