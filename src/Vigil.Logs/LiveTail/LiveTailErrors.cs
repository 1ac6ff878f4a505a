using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.LiveTail;

/// <summary>The errors StartLiveTail answers before its stream starts, with the codes and statuses of the Logs model.</summary>
internal static class LiveTailErrors
{
    public static AwsServiceException InvalidParameter(string message) =>
        AwsServiceException.FromModel(LogsModel.Service, "InvalidParameterException", message);

    public static AwsServiceException LogGroupNotFound() =>
        AwsServiceException.FromModel(LogsModel.Service, "ResourceNotFoundException", "The specified log group does not exist.");
}
