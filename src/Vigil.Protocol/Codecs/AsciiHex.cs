namespace Vigil.Protocol.Codecs;

/// <summary>The value of one ASCII hex digit: percent-escapes, JSON's \u escapes and SigV4's hex signatures.</summary>
public static class AsciiHex
{
    /// <summary>0–15, or -1 when <paramref name="c"/> is not 0–9, a–f or A–F.</summary>
    public static int Value(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
