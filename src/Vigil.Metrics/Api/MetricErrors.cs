using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes.CloudWatch;

namespace Vigil.Metrics.Api;

/// <summary>CloudWatch's modelled client errors, with its query codes (InvalidParameterValue, …).</summary>
internal static class MetricErrors
{
    public static AwsServiceException InvalidValue(string message) =>
        AwsServiceException.FromModel(CloudWatchModel.Service, "InvalidParameterValueException", message);

    public static AwsServiceException InvalidCombination(string message) =>
        AwsServiceException.FromModel(CloudWatchModel.Service, "InvalidParameterCombinationException", message);

    public static AwsServiceException Missing(string message) =>
        AwsServiceException.FromModel(CloudWatchModel.Service, "MissingRequiredParameterException", message);

    public static AwsServiceException InvalidNextToken(string message) =>
        AwsServiceException.FromModel(CloudWatchModel.Service, "InvalidNextToken", message);

    /// <summary>"The value X for parameter P is invalid." — CloudWatch's wording for a bad single value.</summary>
    public static AwsServiceException BadParameter(string parameter, object? value) =>
        InvalidValue($"The value {value} for parameter {parameter} is invalid.");
}
