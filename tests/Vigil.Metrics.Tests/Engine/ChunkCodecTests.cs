using System.Buffers;
using Vigil.Metrics.Engine;
using Vigil.Metrics.Engine.Encoding;

namespace Vigil.Metrics.Tests.Engine;

public sealed class ChunkCodecTests
{
    private static SampleBuffer RoundTrip(SampleBuffer samples, long baseTime, out int bytes)
    {
        var output = new ArrayBufferWriter<byte>();
        ChunkCodec.Encode(samples, baseTime, output);
        bytes = output.WrittenCount;
        var decoded = new SampleBuffer();
        ChunkCodec.Decode(output.WrittenSpan, baseTime, decoded);
        return decoded;
    }

    private static void ShouldMatch(SampleBuffer actual, SampleBuffer expected)
    {
        actual.Timestamps.ToArray().ShouldBe(expected.Timestamps.ToArray());
        // Bit-exact, -0.0 aside (a decimal mantissa has no sign of zero; CloudWatch does not keep one either).
        actual.Values.ToArray().Select(v => v == 0 ? 0 : v).ShouldBe(expected.Values.ToArray().Select(v => v == 0 ? 0 : v));
        actual.HasCounts.ShouldBe(expected.HasCounts);
        if (expected.HasCounts)
        {
            actual.Counts.ToArray().ShouldBe(expected.Counts.ToArray());
        }
        actual.Sets.ShouldBe(expected.Sets);
    }

    [Fact]
    public void Two_decimal_random_walk_at_regular_intervals_costs_its_step_range_in_bits()
    {
        var rng = new Random(7);
        var samples = new SampleBuffer();
        var v = 50.0;
        for (var i = 0; i < 8640; i++)
        {
            v = Math.Clamp(Math.Round(v + ((rng.NextDouble() - 0.5) * 3.0), 2), 0, 100);
            samples.Add(1_700_000_000 + (i * 10), v);
        }
        var decoded = RoundTrip(samples, 1_699_920_000, out var bytes);
        ShouldMatch(decoded, samples);
        // Steps within ±1.50 are ±150 hundredths: 9 bits after zigzag; timestamps cost one width byte per 64.
        (bytes / 8640.0).ShouldBeLessThan(1.2);
    }

    [Fact]
    public void Values_that_are_not_short_decimals_are_kept_bit_exact()
    {
        var samples = new SampleBuffer();
        samples.Add(100, Math.PI);
        samples.Add(101, double.MaxValue);
        samples.Add(105, double.Epsilon);
        samples.Add(105, -1e-300, 3);
        samples.AddSet(new StatisticSetSample(102, 10, 55, 1, 10));
        ShouldMatch(RoundTrip(samples, 0, out _), samples);
    }

    [Fact]
    public void Random_samples_round_trip()
    {
        var rng = new Random(11);
        for (var run = 0; run < 500; run++)
        {
            var n = rng.Next(0, 300);
            var samples = new SampleBuffer();
            var t = 1_700_000_000L + rng.Next(-100_000, 100_000);
            for (var i = 0; i < n; i++)
            {
                t += rng.Next(0, 4) == 0 ? rng.Next(0, 100_000) : 10;
                var value = rng.Next(0, 3) switch
                {
                    0 => rng.Next(-1_000_000, 1_000_000) / Math.Pow(10, rng.Next(0, 7)),
                    1 => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-20, 20)),
                    _ => Math.Round(rng.NextDouble() * 100, 2),
                };
                samples.Add(t, value, run % 4 == 0 && i % 5 == 0 ? 2.5 : 1);
            }
            if (run % 3 == 0)
            {
                samples.AddSet(new StatisticSetSample(t, 3, 6, 1, 3));
            }
            ShouldMatch(RoundTrip(samples, 1_700_000_000, out _), samples);
        }
    }

    [Fact]
    public void Truncated_or_mutated_chunks_fail_with_InvalidDataException_or_decode()
    {
        var samples = new SampleBuffer();
        for (var i = 0; i < 300; i++)
        {
            samples.Add(1000 + (i * 60), i * 0.25, i % 7 == 0 ? 2 : 1);
        }
        var output = new ArrayBufferWriter<byte>();
        ChunkCodec.Encode(samples, 0, output);
        var bytes = output.WrittenSpan.ToArray();
        var rng = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var copy = bytes[..rng.Next(bytes.Length + 1)];
            if (copy.Length > 0 && i % 2 == 0)
            {
                copy[rng.Next(copy.Length)] ^= (byte)(1 << rng.Next(8));
            }
            try
            {
                ChunkCodec.Decode(copy, 0, new SampleBuffer());
            }
            catch (InvalidDataException)
            {
            }
            catch (OverflowException)
            {
            }
        }
    }
}
