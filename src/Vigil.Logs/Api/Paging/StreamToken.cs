using System.Globalization;
using Vigil.Logs.Engine;

namespace Vigil.Logs.Api.Paging;

/// <summary>
/// GetLogEvents' tokens, shaped like CloudWatch Logs' own: <c>f/</c> or <c>b/</c>, 56 digits, <c>/s</c>. The digits are
/// the position between events (timestamp and sequence, 19 digits each) and 18 digits of the stream's fingerprint.
/// A forward token reads the events strictly after its position, a backward token those strictly before it.
/// </summary>
internal readonly record struct StreamToken(bool Forward, EventPosition Position)
{
    private const ulong BindingModulus = 1_000_000_000_000_000_000;

    /// <summary>Before every event: timestamps are never negative and sequences start at 1.</summary>
    public static readonly EventPosition Start = new(0, 0);

    /// <summary>After every event.</summary>
    public static readonly EventPosition End = new(long.MaxValue, long.MaxValue);

    public string Format(ulong binding) => string.Create(CultureInfo.InvariantCulture,
        $"{(Forward ? 'f' : 'b')}/{Position.Timestamp:D19}{Position.Seq:D19}{binding % BindingModulus:D18}/s");

    public static StreamToken Parse(string token, ulong binding)
    {
        if (token.Length != 60 || token[0] is not ('f' or 'b') || token[1] != '/' || !token.EndsWith("/s", StringComparison.Ordinal)
            || !long.TryParse(token.AsSpan(2, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || !long.TryParse(token.AsSpan(21, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            || !ulong.TryParse(token.AsSpan(40, 18), NumberStyles.None, CultureInfo.InvariantCulture, out var bound)
            || bound != binding % BindingModulus)
        {
            throw LogsErrors.InvalidNextToken();
        }

        return new StreamToken(token[0] == 'f', new EventPosition(timestamp, seq));
    }
}
