using System.Collections.Frozen;

namespace Vigil.Protocol.SigV4;

/// <summary>
/// Header names the verifier asks for. Signed header names arrive as slices of the
/// Authorization header; mapping the common ones to these constants means looking them up
/// costs no string allocation per request.
/// </summary>
internal static class SigV4HeaderNames
{
    public const string Authorization = "authorization";
    public const string XAmzDate = "x-amz-date";
    public const string Date = "date";
    public const string XAmzContentSha256 = "x-amz-content-sha256";
    public const string XAmzSecurityToken = "x-amz-security-token";

    // Every name signed in the captures (protocol-notes §7) plus a few standard ones.
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_known =
        new[]
        {
            "host", "content-type", "content-length", "content-encoding", "content-md5", "accept", "user-agent",
            Date, XAmzDate, XAmzContentSha256, XAmzSecurityToken, "x-amz-target", "x-amz-user-agent",
            "x-amzn-query-mode", "smithy-protocol", "amz-sdk-invocation-id", "amz-sdk-request", "x-amz-api-version",
        }
        .ToFrozenDictionary(static name => name, StringComparer.OrdinalIgnoreCase)
        .GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Get(ReadOnlySpan<char> name) =>
        s_known.TryGetValue(name, out string? known) ? known : name.ToString();
}
