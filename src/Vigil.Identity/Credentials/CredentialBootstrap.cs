using System.Security.Cryptography;

namespace Vigil.Identity.Credentials;

/// <summary>
/// Finds the credentials to serve with: the --credentials file when given; else the key pair kept in the data
/// directory; else, on first start, a new key pair generated and kept there (file mode 0600).
/// </summary>
public static class CredentialBootstrap
{
    public const string DataDirFileName = "credentials";

    public sealed record Outcome(List<CredentialEntry> Entries, string Source, bool Generated);

    public static Outcome Load(string? credentialsFile, string dataDir)
    {
        if (credentialsFile is not null)
        {
            var entries = CredentialsFile.Parse(File.ReadAllText(credentialsFile), credentialsFile);
            if (entries.Count == 0)
            {
                throw new FormatException($"{credentialsFile} holds no credentials.");
            }
            return new Outcome(entries, credentialsFile, Generated: false);
        }
        var path = Path.Combine(dataDir, DataDirFileName);
        if (File.Exists(path))
        {
            return new Outcome(CredentialsFile.Parse(File.ReadAllText(path), path), path, Generated: false);
        }
        Directory.CreateDirectory(dataDir);
        var generated = new CredentialEntry("default", NewAccessKeyId(), NewSecret(), "000000000000", "admin");
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, CredentialsFile.Format([generated]));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(tmp, path, overwrite: true);
        return new Outcome([generated], path, Generated: true);
    }

    /// <summary>AKIA + 16 characters of [A-Z2-7], the shape of a real long-term access key id.</summary>
    public static string NewAccessKeyId()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        Span<char> id = stackalloc char[20];
        "AKIA".AsSpan().CopyTo(id);
        for (var i = 4; i < 20; i++)
        {
            id[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }
        return new string(id);
    }

    /// <summary>40 characters of base64, as AWS secret keys are.</summary>
    public static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));

    /// <summary>The lines a user pastes to point the AWS CLI or an SDK at this server.</summary>
    public static string UsageText(CredentialEntry e, string endpoint, string region) =>
        $"""
        Vigil generated an access key for account {e.AccountId} (user {e.UserName}). Use it with:
          export AWS_ACCESS_KEY_ID={e.AccessKeyId}
          export AWS_SECRET_ACCESS_KEY={e.SecretAccessKey}
          export AWS_DEFAULT_REGION={region}
          aws --endpoint-url {endpoint} sts get-caller-identity
        or store it in a profile:
          aws configure set aws_access_key_id {e.AccessKeyId} --profile vigil
          aws configure set aws_secret_access_key {e.SecretAccessKey} --profile vigil
          aws configure set region {region} --profile vigil
        """;
}
