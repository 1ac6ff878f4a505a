namespace Vigil.Protocol.Shapes;

/// <summary>The wire protocols an AWS service can be spoken in.</summary>
public enum WireProtocol : byte
{
    AwsQuery,
    AwsJson1_0,
    AwsJson1_1,
    RestJson1,
    RpcV2Cbor,
}

/// <summary>One AWS service as its model describes it.</summary>
public sealed class ServiceModel
{
    private readonly Dictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Shape> _errors = new(StringComparer.Ordinal);

    public required string ServiceId { get; init; }
    /// <summary>The SigV4 scope name (the model's endpointPrefix or signingName).</summary>
    public required string SigningName { get; init; }
    public required string ApiVersion { get; init; }
    public required WireProtocol[] Protocols { get; init; }
    public string? TargetPrefix { get; init; }
    public string? XmlNamespace { get; init; }
    public bool AwsQueryCompatible { get; init; }
    /// <summary>The Smithy namespace used in qualified error types, e.g. com.amazonaws.cloudwatch.</summary>
    public required string SmithyNamespace { get; init; }

    public IReadOnlyDictionary<string, Operation> Operations => _operations;
    public IReadOnlyDictionary<string, Shape> Errors => _errors;

    public void Add(Operation operation)
    {
        operation.Service = this;
        _operations.Add(operation.Name, operation);
        foreach (var e in operation.Errors)
        {
            _errors.TryAdd(e.Name, e);
        }
    }

    public void AddError(Shape error) => _errors.TryAdd(error.Name, error);

    public bool Speaks(WireProtocol protocol) => Array.IndexOf(Protocols, protocol) >= 0;

    public override string ToString() => SigningName;
}

/// <summary>One operation of a service.</summary>
public sealed class Operation
{
    public Operation(string name, Shape? input, Shape? output)
    {
        Name = name;
        Input = input;
        Output = output;
    }

    public string Name { get; }
    public Shape? Input { get; }
    public Shape? Output { get; }
    public ServiceModel Service { get; internal set; } = null!;
    /// <summary>awsQuery's result element name, e.g. GetCallerIdentityResult.</summary>
    public string? ResultWrapper { get; init; }
    public string HttpMethod { get; init; } = "POST";
    public string RequestUri { get; init; } = "/";
    public int SuccessStatus { get; init; } = 200;
    public Shape[] Errors { get; init; } = [];
    /// <summary>Read-only calls (Describe*, Get*, List*…) as CloudTrail classifies them.</summary>
    public bool ReadOnly { get; init; }

    public override string ToString() => $"{Service?.SigningName}:{Name}";
}
