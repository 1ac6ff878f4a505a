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
    private QueryNode? _queryParameters;
    private Func<QueryNode>? _parseQueryParameters;

    /// <summary>
    /// awsQuery parameters, parsed once to decode the input. A form that came in the body alone is parsed on first
    /// use (<see cref="ParseQueryParameters"/>), so a fast path that reads the body itself never builds the tree.
    /// </summary>
    public QueryNode? QueryParameters
    {
        get => _queryParameters ??= _parseQueryParameters?.Invoke();
        init => _queryParameters = value;
    }

    /// <summary>Parses the parameters when they are first asked for.</summary>
    public Func<QueryNode>? ParseQueryParameters { init => _parseQueryParameters = value; }

    /// <summary>An awsQuery call whose whole form is the body: a fast path for the operation may read it.</summary>
    public bool QueryFormInBody { get; init; }
    public IReadOnlyDictionary<string, string>? PathLabels { get; init; }
    /// <summary>The service named by the SigV4 credential scope, if the request is signed.</summary>
    public string? ScopeService { get; init; }
    /// <summary>Why the service or operation could not be resolved; answered in <see cref="Codec"/>'s envelope.</summary>
    public Errors.AwsServiceException? Error { get; init; }

    /// <summary>The error envelope style of the gateway's own errors: query names for awsQuery clients.</summary>
    public bool QueryStyleErrors => Protocol == WireProtocol.AwsQuery;
}
