using System.Text;
using Vigil.Storage.Hashing;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// Strings for short values a scan sees over and over (levels, status codes, hosts): a direct-mapped table from the
/// value's bytes (UTF-8 or UTF-16) to one string, so repeats cost a hash and a compare instead of an allocation.
/// A slot holds the latest value that hashed to it. Longer values are simply decoded. Not thread-safe; one per
/// scan worker.
/// </summary>
internal sealed class Utf8Interner
{
    /// <summary>Values longer than this (in bytes or chars) are not worth a slot.</summary>
    public const int MaxLength = 64;

    private const int Slots = 1024;

    private readonly (byte[]? Bytes, string? Text)[] _utf8 = new (byte[]?, string?)[Slots];
    private readonly string?[] _utf16 = new string?[Slots];

    public string Intern(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        ref var slot = ref _utf8[Hash(utf8)];
        if (slot.Bytes is { } bytes && utf8.SequenceEqual(bytes))
        {
            return slot.Text!;
        }

        var text = Encoding.UTF8.GetString(utf8);
        slot = (utf8.ToArray(), text);
        return text;
    }

    public string Intern(ReadOnlySpan<char> chars)
    {
        if (chars.Length > MaxLength)
        {
            return chars.ToString();
        }

        ref var slot = ref _utf16[string.GetHashCode(chars) & (Slots - 1)];
        if (slot is { } text && chars.SequenceEqual(text))
        {
            return text;
        }

        return slot = chars.ToString();
    }

    private static int Hash(ReadOnlySpan<byte> bytes) => KeyHash.Hash(bytes) & (Slots - 1);
}
