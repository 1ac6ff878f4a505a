using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs;

/// <summary>
/// One wire protocol: decodes an operation's input record from a request and encodes its output record or an
/// error into a response. Implementations are stateless and thread-safe; they walk shape metadata, so no
/// operation has serialization code of its own (STYLE.md §7).
/// </summary>
public interface IProtocolCodec
{
    WireProtocol Protocol { get; }

    /// <summary>Decodes the input record; throws <see cref="AwsServiceException"/> for malformed input.</summary>
    object DecodeInput(Operation operation, WireRequest request);

    void WriteOutput(Operation operation, object? output, string requestId, WireResponse response);

    /// <summary>Writes an error in this protocol's envelope. <paramref name="service"/> is null when the service is unknown.</summary>
    void WriteError(ServiceModel? service, AwsServiceException error, string requestId, WireResponse response);
}
