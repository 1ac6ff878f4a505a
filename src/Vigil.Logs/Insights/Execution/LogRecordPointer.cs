using System.Globalization;
using System.Text;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// <c>@ptr</c>: an opaque handle GetLogRecord turns back into the event. AWS documents it only as opaque; ours is
/// base64url of "group\nstream\ntimestamp\nseq" (names cannot contain a newline), so it needs no server state.
/// </summary>
public static class LogRecordPointer
{
    public static string Encode(string logGroup, string logStream, long timestamp, long seq)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{logGroup}\n{logStream}\n{timestamp}\n{seq}");
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryDecode(string pointer, out (string LogGroup, string LogStream, long Timestamp, long Seq) parts)
    {
        parts = default;
        ArgumentNullException.ThrowIfNull(pointer);
        var base64 = pointer.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        Span<byte> bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var written))
        {
            return false;
        }

        var fields = Encoding.UTF8.GetString(bytes[..written]).Split('\n');
        if (fields.Length != 4
            || !long.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var timestamp)
            || !long.TryParse(fields[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }

        parts = (fields[0], fields[1], timestamp, seq);
        return true;
    }
}
