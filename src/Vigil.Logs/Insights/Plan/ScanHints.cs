namespace Vigil.Logs.Insights.Plan;

/// <summary>
/// What the scanner may skip. Every hint is sound: skipping by it never changes the result.
/// <list type="bullet">
/// <item><see cref="StartTime"/>..<see cref="EndTime"/> (inclusive, epoch ms): events outside are ignored anyway.</item>
/// <item><see cref="RequiredSubstrings"/>: every event that can reach a result contains all of these in
/// <c>@message</c> (ordinal), so blocks and events without one may be skipped unread.</item>
/// <item><see cref="ReferencedFields"/>: the fields the query reads from events (system and discovered fields; the
/// ones it creates itself are left out).</item>
/// <item><see cref="StopAfterRows"/>: when set, the result is the newest that many matching events; a scanner that
/// feeds events newest first (across all groups) may stop once the accumulator <c>IsSaturated</c>.</item>
/// </list>
/// </summary>
public sealed record ScanHints(
    long StartTime,
    long EndTime,
    IReadOnlyList<string> RequiredSubstrings,
    IReadOnlyCollection<string> ReferencedFields,
    int? StopAfterRows);
