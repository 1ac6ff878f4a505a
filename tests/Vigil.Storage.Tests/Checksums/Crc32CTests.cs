using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Storage.Checksums;

namespace Vigil.Storage.Tests.Checksums;

public sealed class Crc32CTests
{
    [Fact]
    public void Check_value_of_the_standard_vector()
    {
        Crc32C.Compute("123456789"u8).ShouldBe(0xE3069283u);
        Crc32C.AppendSoftware(0, "123456789"u8).ShouldBe(0xE3069283u);
    }

    [Fact]
    public void Rfc3720_vectors()
    {
        // iSCSI (RFC 3720 B.4) test patterns, 32 bytes each.
        var zeros = new byte[32];
        var ones = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        var ascending = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Crc32C.Compute(zeros).ShouldBe(0x8A9136AAu);
        Crc32C.Compute(ones).ShouldBe(0x62A8AB43u);
        Crc32C.Compute(ascending).ShouldBe(0x46DD794Eu);
        Crc32C.Compute([]).ShouldBe(0u);
    }

    [Fact]
    public void Single_byte_append_matches_span_append()
    {
        Crc32C.Append(Crc32C.Compute("12345678"u8), (byte)'9').ShouldBe(0xE3069283u);
        Crc32C.Compute(Encoding.ASCII.GetBytes("a")).ShouldBe(Crc32C.Append(0, (byte)'a'));
    }

    [Fact]
    public void Hardware_and_software_agree_and_appending_equals_computing_the_whole()
    {
        var property = Prop.ForAll(
            ArbMap.Default.ArbFor<byte[]>(),
            ArbMap.Default.ArbFor<int>(),
            (bytes, split) =>
            {
                var k = bytes.Length == 0 ? 0 : Math.Abs(split % (bytes.Length + 1));
                var whole = Crc32C.Compute(bytes);
                return whole == Crc32C.AppendSoftware(0, bytes)
                    && Crc32C.Append(Crc32C.Compute(bytes.AsSpan(0, k)), bytes.AsSpan(k)) == whole
                    && Crc32C.AppendSoftware(Crc32C.AppendSoftware(0, bytes.AsSpan(0, k)), bytes.AsSpan(k)) == whole;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500).WithEndSize(2000), property);
    }
}
