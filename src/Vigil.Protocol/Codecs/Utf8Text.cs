using System.Buffers;
using System.Text;

namespace Vigil.Protocol.Codecs;

/// <summary>Small helpers that write UTF-8 text into an <see cref="IBufferWriter{T}"/> without intermediate strings.</summary>
public static class Utf8Text
{
    public static void Raw(IBufferWriter<byte> w, ReadOnlySpan<byte> bytes) => w.Write(bytes);

    public static void Text(IBufferWriter<byte> w, ReadOnlySpan<char> text)
    {
        var span = w.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        w.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    /// <summary>Writes XML character data with &amp;, &lt;, &gt;, quotes and control characters escaped.</summary>
    public static void XmlEscaped(IBufferWriter<byte> w, ReadOnlySpan<char> text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? rep = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                '\r' => "&#xD;",
                '\n' => "&#xA;",
                '\t' => "&#x9;",
                _ => null,
            };
            if (rep is null && c < 0x20)
            {
                // XML 1.0 cannot carry other control characters at all; drop them rather than emit invalid XML.
                rep = "";
            }
            if (rep is null)
            {
                continue;
            }
            Text(w, text[start..i]);
            Text(w, rep);
            start = i + 1;
        }
        Text(w, text[start..]);
    }
}
