using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.AwsQuery;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Gateway;

/// <summary>What the dispatch rules found: the protocol always, the service and operation when known.</summary>
public sealed class RequestRoute
{
    public required WireProtocol Protocol { get; init; }
    public required IProtocolCodec Codec { get; init; }
    public ServiceModel? Service { get; init; }
    public Operation? Operation { get; init; }
    /// <summary>The operation name the request asked for, even when it is unknown.</summary>
    public string? OperationName { get; init; }
    /// <summary>
    /// awsQuery parameters when routing had to parse them (a URL query, or an escaped key). Null for a form that is
    /// the whole body, routed by a scan: a fast path reads that body itself, the generic decoder parses it then.
    /// </summary>
    public QueryNode? QueryParameters { get; init; }
    public IReadOnlyDictionary<string, string>? PathLabels { get; init; }
    /// <summary>The service named by the SigV4 credential scope, if the request is signed.</summary>
    public string? ScopeService { get; init; }
    /// <summary>Why the service or operation could not be resolved; answered in <see cref="Codec"/>'s envelope.</summary>
    public Errors.AwsServiceException? Error { get; init; }

    /// <summary>The error envelope style of the gateway's own errors: query names for awsQuery clients.</summary>
    public bool QueryStyleErrors => Protocol == WireProtocol.AwsQuery;
}
