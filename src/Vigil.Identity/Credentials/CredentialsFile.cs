using System.Globalization;
using System.Text;

namespace Vigil.Identity.Credentials;

/// <summary>One user of a credentials file: a section with aws_access_key_id, aws_secret_access_key, account_id, user.</summary>
public sealed record CredentialEntry(string Profile, string AccessKeyId, string SecretAccessKey, string AccountId, string UserName);

/// <summary>
/// Reads and writes the INI shape AWS users know from ~/.aws/credentials: [section] headers and key = value
/// lines; '#' and ';' start comments. Vigil adds account_id and user to each section.
/// </summary>
public static class CredentialsFile
{
    public static List<CredentialEntry> Parse(string text, string source)
    {
        var entries = new List<CredentialEntry>();
        string? section = null;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lineNo = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNo++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            if (line[0] == '[')
            {
                if (!line.EndsWith(']'))
                {
                    throw new FormatException($"{source}:{lineNo}: section header must end with ']'.");
                }
                Flush(section, values, entries, source);
                section = line[1..^1].Trim();
                values.Clear();
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || section is null)
            {
                throw new FormatException($"{source}:{lineNo}: expected 'key = value' inside a [section].");
            }
            values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        Flush(section, values, entries, source);
        return entries;
    }

    private static void Flush(string? section, Dictionary<string, string> values, List<CredentialEntry> entries, string source)
    {
        if (section is null)
        {
            return;
        }
        string Need(string key) => values.TryGetValue(key, out var v) && v.Length > 0
            ? v
            : throw new FormatException($"{source}: section [{section}] lacks {key}.");
        var account = values.TryGetValue("account_id", out var a) && a.Length > 0 ? a : "000000000000";
        if (account.Length != 12 || !account.All(char.IsAsciiDigit))
        {
            throw new FormatException($"{source}: section [{section}] has account_id '{account}'; it must be 12 digits.");
        }
        var user = values.TryGetValue("user", out var u) && u.Length > 0 ? u : section;
        entries.Add(new CredentialEntry(section, Need("aws_access_key_id"), Need("aws_secret_access_key"), account, user));
    }

    public static string Format(IEnumerable<CredentialEntry> entries)
    {
        var sb = new StringBuilder();
        foreach (var e in entries)
        {
            sb.Append(CultureInfo.InvariantCulture, $"[{e.Profile}]\n");
            sb.Append(CultureInfo.InvariantCulture, $"aws_access_key_id = {e.AccessKeyId}\n");
            sb.Append(CultureInfo.InvariantCulture, $"aws_secret_access_key = {e.SecretAccessKey}\n");
            sb.Append(CultureInfo.InvariantCulture, $"account_id = {e.AccountId}\n");
            sb.Append(CultureInfo.InvariantCulture, $"user = {e.UserName}\n\n");
        }
        return sb.ToString();
    }
}
