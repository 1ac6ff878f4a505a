using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Logs.Api.Paging;

/// <summary>
/// A 64-bit digest of the request parameters a pagination token belongs to, so a token replayed against another
/// request (another group, stream, pattern or window) is refused instead of silently skipping data.
/// </summary>
internal static class Fingerprint
{
    public static ulong Of(params string?[] parts)
    {
        var text = string.Join('\u0001', parts.Select(p => p ?? "\u0002"));
        return BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
