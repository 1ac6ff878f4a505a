using System.Security.Cryptography;
using System.Text;
using Vigil.Protocol.Gateway;

namespace Vigil.Identity.Credentials;

/// <summary>
/// Access keys → secrets and identities. Immutable after construction, so lookups are lock-free.
/// In development mode (<c>--no-auth</c>) any key is accepted and gets an account of its own, derived from
/// the key, so two developers' keys still never see each other's data.
/// </summary>
public sealed class CredentialStore : ICredentialResolver
{
    private readonly Dictionary<string, (string Secret, CallerIdentity Identity)> _keys = new(StringComparer.Ordinal);

    public CredentialStore(IEnumerable<CredentialEntry> entries, bool noAuth)
    {
        SkipSignatureCheck = noAuth;
        CredentialEntry? first = null;
        foreach (var e in entries)
        {
            first ??= e;
            if (!_keys.TryAdd(e.AccessKeyId, (e.SecretAccessKey, ToIdentity(e.AccountId, e.UserName, e.AccessKeyId))))
            {
                throw new FormatException($"Access key {e.AccessKeyId} appears twice in the credentials.");
            }
        }
        AnonymousIdentity = first is null
            ? ToIdentity("000000000000", "anonymous", "")
            : ToIdentity(first.AccountId, first.UserName, first.AccessKeyId);
        Entries = [.. entries];
    }

    public IReadOnlyList<CredentialEntry> Entries { get; }
    public CallerIdentity AnonymousIdentity { get; }
    public bool SkipSignatureCheck { get; }

    public bool TryResolve(string accessKeyId, out string secretKey, out CallerIdentity identity)
    {
        if (_keys.TryGetValue(accessKeyId, out var found))
        {
            secretKey = found.Secret;
            identity = found.Identity;
            return true;
        }
        if (SkipSignatureCheck && accessKeyId.Length > 0)
        {
            secretKey = "";
            identity = ToIdentity(DevAccountFor(accessKeyId), "developer", accessKeyId);
            return true;
        }
        secretKey = "";
        identity = null!;
        return false;
    }

    /// <summary>A stable 12-digit account for a development key: the first 8 bytes of SHA-256(key), mod 10^12.</summary>
    public static string DevAccountFor(string accessKeyId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(accessKeyId), hash);
        var n = BitConverter.ToUInt64(hash) % 1_000_000_000_000UL;
        return n.ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>IAM-shaped identity: "root" is the account itself, any other name an IAM user.</summary>
    public static CallerIdentity ToIdentity(string accountId, string userName, string accessKeyId)
    {
        if (string.Equals(userName, "root", StringComparison.Ordinal))
        {
            return new CallerIdentity(accountId, userName, $"arn:aws:iam::{accountId}:root", accountId, accessKeyId);
        }
        return new CallerIdentity(accountId, userName, $"arn:aws:iam::{accountId}:user/{userName}", UserIdFor(accountId, userName), accessKeyId);
    }

    /// <summary>IAM user ids look like AIDA + 17 base-32 characters; ours are derived from account and name so they are stable.</summary>
    private static string UserIdFor(string accountId, string userName)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(accountId + "/" + userName), hash);
        Span<char> id = stackalloc char[21];
        "AIDA".AsSpan().CopyTo(id);
        for (var i = 0; i < 17; i++)
        {
            id[4 + i] = alphabet[hash[i] & 31];
        }
        return new string(id);
    }
}
