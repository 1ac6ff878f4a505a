using System.Security.Cryptography;
using System.Text;

namespace Vigil.Protocol.SigV4;

/// <summary>
/// Caches derived SigV4 signing keys per (secret, date, region, service). Deriving one costs
/// four HMACs and a few allocations; a key is valid for a whole UTC day, so nearly every
/// request is a hit, and a hit allocates nothing.
/// </summary>
/// <remarks>
/// A direct-mapped table of immutable entries: a collision simply replaces the slot, so the
/// table never grows however many scopes a client invents. Thread-safe without locks: slots
/// hold references to immutable entries and are read and written atomically. The secret is part
/// of the key, so a rotated secret never reuses a stale signing key.
/// </remarks>
internal sealed class SigningKeyCache
{
    private const string Terminator = "aws4_request";

    private readonly Entry?[] _slots;
    private readonly int _mask;

    public SigningKeyCache(int capacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _slots = new Entry?[size];
        _mask = size - 1;
    }

    public Entry GetOrAdd(string secret, ReadOnlySpan<char> date, ReadOnlySpan<char> region, ReadOnlySpan<char> service)
    {
        int hash = HashCode.Combine(
            string.GetHashCode(secret.AsSpan()),
            string.GetHashCode(date),
            string.GetHashCode(region),
            string.GetHashCode(service));
        ref Entry? slot = ref _slots[hash & _mask];
        Entry? entry = Volatile.Read(ref slot);
        if (entry is not null && entry.Matches(secret, date, region, service))
        {
            return entry;
        }

        string dateText = date.ToString();
        string regionText = region.ToString();
        string serviceText = service.ToString();
        entry = new Entry(secret, dateText, regionText, serviceText, DeriveKey(secret, dateText, regionText, serviceText));
        Volatile.Write(ref slot, entry);
        return entry;
    }

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static byte[] DeriveKey(string secret, string date, string region, string service)
    {
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + secret);
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Terminator));
    }

    /// <summary>An immutable cache entry. Region and Service double as interned strings for results.</summary>
    // Entries live as long as the server (a few per key and day); the per-thread hashes die with their threads.
#pragma warning disable CA1001
    internal sealed class Entry(string secret, string date, string region, string service, byte[] key)
    {
        public string Secret { get; } = secret;

        public string Date { get; } = date;

        public string Region { get; } = region;

        public string Service { get; } = service;

        /// <summary>The 32-byte signing key; never modified after construction.</summary>
        public byte[] Key { get; } = key;

        // HMACSHA256.HashData sets the key up on every call (~4.8 µs here); a per-thread keyed
        // IncrementalHash reused for this signing key costs about half that.
        private readonly ThreadLocal<IncrementalHash> _hmac = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));

        /// <summary>HMAC-SHA256 of <paramref name="data"/> under this signing key. Thread-safe.</summary>
        public void Sign(ReadOnlySpan<byte> data, Span<byte> destination)
        {
            var hmac = _hmac.Value!;
            hmac.AppendData(data);
            hmac.GetHashAndReset(destination);
        }

        public bool Matches(string secret, ReadOnlySpan<char> date, ReadOnlySpan<char> region, ReadOnlySpan<char> service) =>
            (ReferenceEquals(Secret, secret) || string.Equals(Secret, secret, StringComparison.Ordinal))
            && date.SequenceEqual(Date)
            && region.SequenceEqual(Region)
            && service.SequenceEqual(Service);
    }
}
#pragma warning restore CA1001
