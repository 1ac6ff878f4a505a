using System.Globalization;
using System.Text;

namespace Vigil.Compat.Tests.TestSupport;

/// <summary>What a client process did: its exit code and everything it printed.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>The whole run, for assertion messages: a failing test shows what the client printed.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"$ {CommandLine}\n");
        sb.Append(CultureInfo.InvariantCulture, $"exit code {ExitCode} after {Elapsed.TotalSeconds:F1}s\n");
        sb.Append("--- stdout\n").Append(Stdout.TrimEnd()).Append('\n');
        sb.Append("--- stderr\n").Append(Tail(Stderr, 6000)).Append('\n');
        return sb.ToString();
    }

    private static string Tail(string s, int max) => s.Length <= max ? s.TrimEnd() : "…" + s[^max..].TrimEnd();
}
