using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Storage.Hashing;

namespace Vigil.Storage.Tests.Hashing;

public sealed class KeyHashTests
{
    private const ulong Seed = 0x1234_5678_9abc_def0;

    [Fact]
    public void Flipping_any_bit_of_a_key_changes_its_hash()
    {
        // Every length class: empty, 1–3, 4–7, 8–16, and the 16-byte steps with their overlapping tail.
        var property = Prop.ForAll(
            ArbMap.Default.ArbFor<byte[]>(),
            ArbMap.Default.ArbFor<int>(),
            (bytes, pick) =>
            {
                if (bytes.Length == 0)
                {
                    return KeyHash.Hash64(bytes, Seed) != KeyHash.Hash64([0], Seed);
                }
                var bit = Math.Abs(pick % (bytes.Length * 8));
                var flipped = (byte[])bytes.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                return KeyHash.Hash64(bytes, Seed) != KeyHash.Hash64(flipped, Seed);
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000).WithEndSize(200), property);
    }

    [Fact]
    public void Every_position_of_a_long_key_counts()
    {
        var key = Encoding.UTF8.GetBytes("123456789012\0us-east-1\0Bench/EC2\0CPUUtilization\0\u000b\0InstanceId\0i-00000000000001000\0");
        var original = KeyHash.Hash64(key, Seed);
        for (var i = 0; i < key.Length; i++)
        {
            var changed = (byte[])key.Clone();
            changed[i] ^= 0x20;
            KeyHash.Hash64(changed, Seed).ShouldNotBe(original, $"byte {i} of {key.Length}");
        }
        // Trailing zero bytes make a different key.
        KeyHash.Hash64([.. key, 0], Seed).ShouldNotBe(original);
    }

    [Fact]
    public void Keys_that_differ_in_a_few_digits_spread_over_the_buckets()
    {
        // Series keys as the metric fast path builds them, 200,000 of them differing only in their last digits.
        const int count = 200_000;
        var full = new HashSet<ulong>();
        var buckets = new int[1024];
        var collisions32 = new HashSet<uint>();
        var duplicates32 = 0;
        for (var i = 0; i < count; i++)
        {
            var key = Encoding.UTF8.GetBytes($"123456789012\0us-east-1\0Bench/EC2\0CPUUtilization\0\u000b\0InstanceId\0i-{i:00000000000000000}\0");
            var h = KeyHash.Hash64(key, Seed);
            full.Add(h).ShouldBeTrue("a 64-bit collision among 200,000 keys");
            if (!collisions32.Add((uint)h))
            {
                duplicates32++;
            }
            buckets[(int)(h & 1023)]++;
        }
        // Random 32-bit values collide ~n²/2³³ ≈ 4.7 times among 200,000; a weak mix collides far more.
        duplicates32.ShouldBeLessThan(25);
        // ~195 a bucket; a uniform spread stays well within ±30 %.
        buckets.Max().ShouldBeLessThan(255);
        buckets.Min().ShouldBeGreaterThan(135);
    }

    [Fact]
    public void The_seed_changes_every_hash()
    {
        var key = "CPUUtilization"u8;
        KeyHash.Hash64(key, Seed).ShouldNotBe(KeyHash.Hash64(key, Seed + 1));
        KeyHash.Hash64([], Seed).ShouldNotBe(KeyHash.Hash64([], Seed + 1));
        KeyHash.Hash(key).ShouldBe(KeyHash.Hash(key.ToArray()));
    }
}
