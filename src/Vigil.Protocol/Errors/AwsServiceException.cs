using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Errors;

/// <summary>
/// An AWS error as the client must see it. <see cref="Code"/> is the error shape name (what JSON, CBOR and
/// restJson clients read); <see cref="QueryCode"/> is the awsQuery code (what query clients read, and what
/// awsQueryCompatible services put in x-amzn-query-error). Thrown only at request level (STYLE.md §9).
/// </summary>
public sealed class AwsServiceException : Exception
{
    public AwsServiceException(string code, string message, int status = 400, bool senderFault = true, string? queryCode = null)
        : base(message)
    {
        Code = code;
        QueryCode = queryCode ?? code;
        Status = status;
        SenderFault = senderFault;
    }

    public string Code { get; }
    public string QueryCode { get; }
    public int Status { get; }
    public bool SenderFault { get; }

    /// <summary>The modelled error shape, when the error is one the service's model declares.</summary>
    public Shape? Shape { get; init; }

    /// <summary>Extra members of the modelled error (an instance of <see cref="Shape"/>), returned to the caller.</summary>
    public object? Detail { get; init; }

    /// <summary>Builds the error for a shape the service models, taking its code and status from the model.</summary>
    public static AwsServiceException FromModel(ServiceModel service, string shapeName, string message, object? detail = null)
    {
        if (!service.Errors.TryGetValue(shapeName, out var shape) || shape.Error is null)
        {
            return new AwsServiceException(shapeName, message) { Detail = detail };
        }
        var info = shape.Error;
        return new AwsServiceException(shapeName, message, info.HttpStatus, info.SenderFault, info.Code)
        {
            Shape = shape,
            Detail = detail,
        };
    }

    public override string ToString() => $"{Code} ({QueryCode}, {Status}): {Message}";
}
