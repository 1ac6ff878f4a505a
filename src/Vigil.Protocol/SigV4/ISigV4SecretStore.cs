using System.Diagnostics.CodeAnalysis;

namespace Vigil.Protocol.SigV4;

/// <summary>
/// Looks up the secret access key for an access key id. Called once per verified request from
/// any request thread, so implementations must be thread-safe and should not block.
/// </summary>
public interface ISigV4SecretStore
{
    bool TryGetSecret(string accessKeyId, [NotNullWhen(true)] out string? secretAccessKey);
}
