using System.Globalization;
using Vigil.Protocol.Codecs;

namespace Vigil.Protocol.Tests.Codecs;

public sealed class AsciiHexTests
{
    [Fact]
    public void Every_byte_and_more_has_the_value_the_BCL_gives_it_or_none()
    {
        for (var c = -1; c < 0x300; c++)
        {
            var expected = c is >= 0 and < 0x80 && int.TryParse(((char)c).ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v) ? v : -1;
            AsciiHex.Value(c).ShouldBe(expected, $"character {c}");
        }
    }
}
