using Vigil.Logs.LiveTail;
using Vigil.Protocol.Gateway;

namespace Vigil.Host.Serve;

/// <summary>
/// StartLiveTail until the log engine and the filter-pattern compiler are merged (issue 4): every log group ARN in
/// the caller's account and region "exists", and a filter pattern is a list of terms that must all appear in the
/// message. At merge, pass the engine's group lookup and the FilterPatterns compiler instead.
/// </summary>
internal static class LiveTailWiring
{
    public static void Register(OperationHandlers handlers, LiveTailHub hub) =>
        new StartLiveTailHandler(hub, AnyLogGroupExists, CompileTerms, TimeProvider.System).Register(handlers);

    private static string? AnyLogGroupExists(CallContext context, string identifier) =>
        LogGroupArn.TryParse(identifier, out var arn) ? arn.Name : null;

    private static Func<string, bool> CompileTerms(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return static _ => true;
        }
        var terms = pattern.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Trim('"'))
            .Where(t => t.Length > 0)
            .ToArray();
        return message => Array.TrueForAll(terms, t => message.Contains(t, StringComparison.Ordinal));
    }
}
