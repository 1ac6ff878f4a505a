using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Metrics.Api;

/// <summary>
/// Stateless NextTokens: the position to resume from plus a digest of the request it belongs to, so a token is
/// rejected when replayed against a different request instead of silently skipping data.
/// </summary>
internal static class PageToken
{
    public static string Create(long position, string fingerprint)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, position);
        Digest(fingerprint).CopyTo(bytes[8..]);
        return Convert.ToBase64String(bytes);
    }

    public static bool TryRead(string token, string fingerprint, out long position)
    {
        position = 0;
        Span<byte> bytes = stackalloc byte[16];
        if (!Convert.TryFromBase64String(token, bytes, out var n) || n != 16 || !bytes[8..].SequenceEqual(Digest(fingerprint)))
        {
            return false;
        }
        position = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        return position >= 0;
    }

    private static byte[] Digest(string fingerprint) => SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint))[..8];
}
