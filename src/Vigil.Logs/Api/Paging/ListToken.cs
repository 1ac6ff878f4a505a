using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;

namespace Vigil.Logs.Api.Paging;

/// <summary>
/// NextTokens of the Describe operations: the sort key of the last item returned plus the request's fingerprint.
/// Resuming after a key (not an index) keeps pages stable while groups or streams are created or deleted.
/// </summary>
internal static class ListToken
{
    public static string Create(ulong fingerprint, string lastKey)
    {
        var bytes = new byte[8 + Encoding.UTF8.GetByteCount(lastKey)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, fingerprint);
        Encoding.UTF8.GetBytes(lastKey, bytes.AsSpan(8));
        return Base64Url.EncodeToString(bytes);
    }

    public static string Read(string token, ulong fingerprint)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw LogsErrors.InvalidNextToken();
        }

        if (bytes.Length < 8 || BinaryPrimitives.ReadUInt64LittleEndian(bytes) != fingerprint)
        {
            throw LogsErrors.InvalidNextToken();
        }

        return Encoding.UTF8.GetString(bytes.AsSpan(8));
    }
}
