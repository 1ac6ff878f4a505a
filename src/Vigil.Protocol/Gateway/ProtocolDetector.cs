using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Codecs.AwsQuery;
using Vigil.Protocol.Codecs.RestJson;
using Vigil.Protocol.Codecs.RpcV2Cbor;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Gateway;

/// <summary>
/// Applies the dispatch rules of protocol-notes §2, in order: RPCv2 CBOR path, X-Amz-Target (awsJson),
/// form-encoded awsQuery, else restJson1 by path. The SigV4 scope names the service whenever it is present.
/// </summary>
public sealed class ProtocolDetector(ServiceCatalog catalog)
{
    private const string CborPathPrefix = "/service/";

    public RequestRoute Detect(WireRequest request)
    {
        var scope = SigV4ScopeService(request);
        var scoped = scope is null ? null : catalog.BySigningName(scope);

        if (request.Path.StartsWith(CborPathPrefix, StringComparison.Ordinal)
            && string.Equals(request.Header("smithy-protocol"), "rpc-v2-cbor", StringComparison.OrdinalIgnoreCase))
        {
            return DetectCbor(request, scope);
        }
        if (request.Header("X-Amz-Target") is { } target)
        {
            return DetectJson(request, target, scope);
        }
        var contentType = request.Header("Content-Type");
        var isForm = contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        if ((isForm && request.Path == "/") || (request.Path == "/" && request.Query.Contains("Action=", StringComparison.Ordinal)))
        {
            return DetectQuery(request, scoped, scope);
        }
        return DetectRest(request, scoped, scope);
    }

    private RequestRoute DetectCbor(WireRequest request, string? scope)
    {
        // /service/{ServiceName}/operation/{Operation}
        var parts = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var service = parts.Length == 4 && parts[2] == "operation" ? catalog.ByTargetPrefix(parts[1]) : null;
        var opName = parts.Length == 4 ? parts[3] : null;
        return Resolve(WireProtocol.RpcV2Cbor, RpcV2CborCodec.Instance, service, opName, scope, $"RPCv2 CBOR path {request.Path}");
    }

    private RequestRoute DetectJson(WireRequest request, string target, string? scope)
    {
        var dot = target.LastIndexOf('.');
        var prefix = dot < 0 ? "" : target[..dot];
        var opName = dot < 0 ? target : target[(dot + 1)..];
        var service = catalog.ByTargetPrefix(prefix);
        var contentType = request.Header("Content-Type") ?? "";
        var v10 = contentType.Contains("1.0", StringComparison.Ordinal) || service?.Speaks(WireProtocol.AwsJson1_0) == true;
        var codec = v10 ? AwsJsonCodec.V1_0 : AwsJsonCodec.V1_1;
        return Resolve(codec.Protocol, codec, service, opName, scope, $"X-Amz-Target {target}");
    }

    private RequestRoute DetectQuery(WireRequest request, ServiceModel? scoped, string? scope)
    {
        // A form in the body alone (what SDKs send) is routed by a scan for Action and Version; its tree is built only
        // if the generic decoder needs it (a data-plane fast path reads the body itself).
        QueryNode? parameters = null;
        string? action = null, version = null;
        var inBody = request.Query.Length == 0 && QueryParameters.TryScanActionAndVersion(request.Body.Span, out action, out version);
        if (!inBody)
        {
            try
            {
                parameters = AwsQueryCodec.ParseParameters(request);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return new RequestRoute { Protocol = WireProtocol.AwsQuery, Codec = AwsQueryCodec.Instance, ScopeService = scope, Error = GatewayErrors.MalformedQuery("The request body is not valid form data.") };
            }
            action = parameters.Child("Action")?.Value;
            version = parameters.Child("Version")?.Value;
        }
        var service = scoped ?? (version is null ? null : catalog.ByQueryVersion(version));
        if (service is not null && !service.Speaks(WireProtocol.AwsQuery))
        {
            service = version is null ? null : catalog.ByQueryVersion(version);
        }
        if (action is null)
        {
            return new RequestRoute { Protocol = WireProtocol.AwsQuery, Codec = AwsQueryCodec.Instance, Service = service, ScopeService = scope, Error = GatewayErrors.InvalidAction(null) };
        }
        Operation? op = null;
        service?.Operations.TryGetValue(action, out op);
        return new RequestRoute
        {
            Protocol = WireProtocol.AwsQuery,
            Codec = AwsQueryCodec.Instance,
            Service = service,
            Operation = op,
            OperationName = action,
            QueryParameters = parameters,
            ScopeService = scope,
            Error = service is null ? GatewayErrors.UnknownService($"query Version {version ?? "(none)"}")
                : op is null ? GatewayErrors.InvalidAction(action) : null,
        };
    }

    private RequestRoute DetectRest(WireRequest request, ServiceModel? scoped, string? scope)
    {
        var candidates = scoped is not null ? [scoped] : catalog.Services;
        foreach (var service in candidates)
        {
            if (catalog.RestRouter(service) is { } router && router.TryMatch(request.Method, request.Path, out var op, out var labels))
            {
                return new RequestRoute
                {
                    Protocol = WireProtocol.RestJson1,
                    Codec = RestJsonCodec.Instance,
                    Service = service,
                    Operation = op,
                    OperationName = op!.Name,
                    PathLabels = labels,
                    ScopeService = scope,
                };
            }
        }
        return new RequestRoute
        {
            Protocol = WireProtocol.RestJson1,
            Codec = RestJsonCodec.Instance,
            Service = scoped,
            ScopeService = scope,
            Error = scoped is null
                ? GatewayErrors.UnknownService($"{request.Method} {request.Path}")
                : GatewayErrors.UnknownOperation($"{request.Method} {request.Path}"),
        };
    }

    private static RequestRoute Resolve(WireProtocol protocol, IProtocolCodec codec, ServiceModel? service, string? opName, string? scope, string what)
    {
        Operation? op = null;
        if (service is not null && opName is not null)
        {
            service.Operations.TryGetValue(opName, out op);
        }
        return new RequestRoute
        {
            Protocol = protocol,
            Codec = codec,
            Service = service,
            Operation = op,
            OperationName = opName,
            ScopeService = scope,
            Error = service is null ? GatewayErrors.UnknownService(what)
                : op is null ? GatewayErrors.UnknownOperation(opName)
                : !service.Speaks(protocol) ? GatewayErrors.UnknownOperation(opName) : null,
        };
    }

    /// <summary>The service of "Credential=AKID/20261122/us-east-1/monitoring/aws4_request", from the header or a presigned URL.</summary>
    public static string? SigV4ScopeService(WireRequest request)
    {
        // The common case, on every signed call: read the service out of the Authorization header without splitting it.
        if (request.Header("Authorization") is not { } auth)
        {
            return SigV4Scope(request) is { } parts ? parts[3] : null;
        }
        var i = auth.IndexOf("Credential=", StringComparison.Ordinal);
        if (i < 0)
        {
            return null;
        }
        var credential = auth.AsSpan(i + 11);
        var end = credential.IndexOfAny(',', ' ');
        if (end >= 0)
        {
            credential = credential[..end];
        }
        // AKID/date/region/service/aws4_request
        for (var part = 0; part < 3; part++)
        {
            var slash = credential.IndexOf('/');
            if (slash < 0)
            {
                return null;
            }
            credential = credential[(slash + 1)..];
        }
        var last = credential.IndexOf('/');
        return last < 0 ? null : credential[..last].ToString();
    }

    /// <summary>The five parts of the SigV4 credential (key, date, region, service, terminator), unverified.</summary>
    public static string[]? SigV4Scope(WireRequest request)
    {
        var auth = request.Header("Authorization");
        string? credential = null;
        if (auth is not null)
        {
            var i = auth.IndexOf("Credential=", StringComparison.Ordinal);
            if (i >= 0)
            {
                var end = auth.IndexOfAny([',', ' '], i);
                credential = end < 0 ? auth[(i + 11)..] : auth[(i + 11)..end];
            }
        }
        else if (request.Query.Contains("X-Amz-Credential=", StringComparison.Ordinal))
        {
            credential = QueryParameters.Parse(request.Query).Child("X-Amz-Credential")?.Value;
        }
        if (credential is null)
        {
            return null;
        }
        var parts = credential.Split('/');
        return parts.Length == 5 ? parts : null;
    }
}
