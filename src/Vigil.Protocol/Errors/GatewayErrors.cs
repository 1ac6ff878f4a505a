using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Errors;

/// <summary>
/// Errors the gateway raises before any service sees the call: authentication, routing, decoding and
/// validation. Codes follow what AWS returns for each protocol family: awsQuery services use the query
/// names (InvalidClientTokenId, SignatureDoesNotMatch), JSON services the Coral exception names.
/// </summary>
public static class GatewayErrors
{
    public const string SignatureMismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    public static AwsServiceException UnknownAccessKey(bool queryStyle) =>
        queryStyle
            ? new AwsServiceException("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
            : new AwsServiceException("UnrecognizedClientException", "The security token included in the request is invalid.", 400, queryCode: "InvalidClientTokenId");

    public static AwsServiceException SignatureMismatch(bool queryStyle, string message) =>
        queryStyle
            ? new AwsServiceException("SignatureDoesNotMatch", message, 403)
            : new AwsServiceException("InvalidSignatureException", message, 400, queryCode: "SignatureDoesNotMatch");

    public static AwsServiceException MissingAuthentication(bool queryStyle, string message) =>
        queryStyle
            ? new AwsServiceException("MissingAuthenticationToken", message, 403)
            : new AwsServiceException("MissingAuthenticationTokenException", message, 403, queryCode: "MissingAuthenticationToken");

    public static AwsServiceException IncompleteSignature(bool queryStyle, string message) =>
        queryStyle
            ? new AwsServiceException("IncompleteSignature", message, 400)
            : new AwsServiceException("IncompleteSignatureException", message, 400, queryCode: "IncompleteSignature");

    public static AwsServiceException UnknownOperation(string? operation) =>
        new("UnknownOperationException", operation is null ? "The requested operation is not recognized." : $"The requested operation {operation} is not recognized.", 400, queryCode: "InvalidAction");

    public static AwsServiceException InvalidAction(string? action) =>
        new("InvalidAction", action is null ? "Could not find operation: no Action parameter." : $"Could not find operation {action}.", 400);

    public static AwsServiceException UnknownService(string detail) =>
        new("UnknownServiceException", $"No AWS service here answers this request: {detail}.", 400, queryCode: "InvalidAction");

    public static AwsServiceException NotImplemented(Operation op) =>
        new("NotImplemented", $"{op.Service.ServiceId} {op.Name} is not implemented by this Vigil server yet.", 501, senderFault: false, queryCode: "NotImplemented");

    public static AwsServiceException Serialization(string message) =>
        new("SerializationException", message, 400, queryCode: "MalformedInput");

    public static AwsServiceException MalformedQuery(string message) =>
        new("MalformedQueryString", message, 400);

    public static AwsServiceException InvalidQueryParameter(string message) =>
        new("InvalidParameterValue", message, 400);

    public static AwsServiceException RequestTooLarge(long limit) =>
        new("RequestEntityTooLarge", $"Request body exceeds the limit of {limit} bytes.", 413, queryCode: "RequestEntityTooLarge");

    public static AwsServiceException InternalFailure() =>
        new("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", 500, senderFault: false);
}
