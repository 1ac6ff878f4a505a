using System.Buffers;
using Vigil.Metrics.Statistics;
using Xunit.Abstractions;

namespace Vigil.Metrics.Tests.Statistics;

public sealed class RelativeErrorSketchTests(ITestOutputHelper output)
{
    // The guarantee is α = 0.5 %; allow for the last bit of log() at bucket edges.
    private const double Accuracy = RelativeErrorSketch.RelativeAccuracy * 1.0001;

    private static readonly double[] FixedQuantiles = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

    public enum Shape { Uniform, LogNormal, WithNegativesAndZeros, Tiny }

    private static double Draw(Random r, Shape shape) => shape switch
    {
        Shape.Uniform => r.NextDouble() * 1000,
        Shape.LogNormal => Math.Exp(3 + 1.5 * Normal(r)),
        Shape.WithNegativesAndZeros => r.Next(5) == 0 ? 0 : (r.Next(2) == 0 ? -1 : 1) * Math.Exp(4 * Normal(r)),
        _ => r.NextDouble() * 1e-6,
    };

    private static double Normal(Random r) =>
        Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    // Nearest rank over the expanded multiset.
    private static double Exact(double[] sorted, double q) =>
        sorted[Math.Max(1, (int)Math.Ceiling(q * sorted.Length - 1e-9)) - 1];

    private static void ShouldBeClose(double approx, double exact, string what)
    {
        if (exact == 0)
        {
            approx.ShouldBe(0, what);
        }
        else
        {
            (Math.Abs(approx - exact) / Math.Abs(exact)).ShouldBeLessThanOrEqualTo(Accuracy, $"{what}: {approx} vs {exact}");
        }
    }

    [Theory]
    [InlineData(Shape.Uniform)]
    [InlineData(Shape.LogNormal)]
    [InlineData(Shape.WithNegativesAndZeros)]
    [InlineData(Shape.Tiny)]
    public void Quantiles_are_within_the_relative_accuracy_of_the_exact_ones(Shape shape)
    {
        var random = new Random(7 + (int)shape);
        for (var trial = 0; trial < 60; trial++)
        {
            var sketch = new RelativeErrorSketch();
            var values = new List<double>();
            var n = random.Next(1, trial < 50 ? 300 : 5000);
            for (var i = 0; i < n; i++)
            {
                var v = Draw(random, shape);
                var w = random.Next(6) == 0 ? random.Next(2, 5) : 1;
                sketch.Add(v, w);
                values.AddRange(Enumerable.Repeat(v, w));
            }
            var sorted = values.Order().ToArray();
            sketch.Count.ShouldBe(sorted.Length);
            foreach (var q in FixedQuantiles.Append(random.NextDouble()))
            {
                ShouldBeClose(sketch.Quantile(q), Exact(sorted, q), $"{shape} n={n} q={q}");
            }
        }
    }

    [Fact]
    public void Weights_count_as_that_many_samples()
    {
        var sketch = new RelativeErrorSketch();
        sketch.Add(100, 50);
        sketch.Add(1, 50);
        sketch.Count.ShouldBe(100);
        ShouldBeClose(sketch.Quantile(0.5), 1, "p50");
        ShouldBeClose(sketch.Quantile(0.5001), 100, "p50.01");
        sketch.Add(7, 0);
        sketch.Count.ShouldBe(100);
    }

    [Fact]
    public void Empty_sketch_has_no_quantile_and_round_trips()
    {
        var sketch = new RelativeErrorSketch();
        double.IsNaN(sketch.Quantile(0.5)).ShouldBeTrue();
        var bytes = Encode(sketch);
        bytes.Length.ShouldBe(5); // version, flags, zero count, two empty stores
        RelativeErrorSketch.ReadFrom(bytes).IsEmpty.ShouldBeTrue();
    }

    private static RelativeErrorSketch Build(Random r, int n, Shape shape, bool fractional = false)
    {
        var sketch = new RelativeErrorSketch();
        for (var i = 0; i < n; i++)
        {
            sketch.Add(Draw(r, shape), fractional ? 0.25 + r.NextDouble() : r.Next(1, 4));
        }
        return sketch;
    }

    private static byte[] Encode(RelativeErrorSketch sketch)
    {
        var writer = new ArrayBufferWriter<byte>();
        sketch.WriteTo(writer);
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Merging_two_sketches_equals_sketching_the_union()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var shape = (Shape)(seed % 4);
            var a = Build(new Random(seed), 200 + seed * 10, shape);
            var b = Build(new Random(seed + 1000), 50 + seed, shape);
            var union = Build(new Random(seed), 200 + seed * 10, shape);
            var r = new Random(seed + 1000);
            for (var i = 0; i < 50 + seed; i++)
            {
                union.Add(Draw(r, shape), r.Next(1, 4));
            }
            a.Merge(b);
            Encode(a).ShouldBe(Encode(union)); // bucket for bucket
            a.Count.ShouldBe(union.Count);
        }
    }

    [Fact]
    public void Serialization_round_trip_is_exact()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var shape = (Shape)(seed % 4);
            var fractional = seed % 3 == 0;
            var sketch = Build(new Random(seed), new Random(seed).Next(1, 3000), shape, fractional);
            var bytes = Encode(sketch);
            var back = RelativeErrorSketch.ReadFrom(bytes);
            Encode(back).ShouldBe(bytes);
            back.Count.ShouldBe(sketch.Count, 1e-9 * sketch.Count); // same buckets, summed in another order
            back.BucketCount.ShouldBe(sketch.BucketCount);
            foreach (var q in FixedQuantiles)
            {
                back.Quantile(q).ShouldBe(sketch.Quantile(q));
            }
            // Several sketches back to back: each reads exactly its own bytes.
            var two = bytes.Concat(bytes).ToArray();
            RelativeErrorSketch.ReadFrom(two, out var read);
            read.ShouldBe(bytes.Length);
        }
    }

    [Fact]
    public void Thousand_latencies_encode_in_well_under_a_kilobyte_and_a_half()
    {
        var random = new Random(1000);
        var latency = new RelativeErrorSketch();
        var uniform = new RelativeErrorSketch();
        for (var i = 0; i < 1000; i++)
        {
            latency.Add(Math.Exp(Math.Log(0.05) + 0.8 * Normal(random))); // seconds, median 50 ms
            uniform.Add(random.NextDouble() * 1000);
        }
        var latencyBytes = Encode(latency).Length;
        var uniformBytes = Encode(uniform).Length;
        output.WriteLine($"1000 lognormal latencies: {latency.BucketCount} buckets, {latencyBytes} bytes");
        output.WriteLine($"1000 uniform 0..1000: {uniform.BucketCount} buckets, {uniformBytes} bytes");
        latencyBytes.ShouldBeLessThan(1000);
        uniformBytes.ShouldBeLessThan(1500);
        // Each non-empty bucket costs about two bytes (delta and count).
        latencyBytes.ShouldBeLessThan(2 * latency.BucketCount + 16);
    }

    [Fact]
    public void Memory_is_bounded_by_collapsing_the_smallest_magnitudes()
    {
        var sketch = new RelativeErrorSketch();
        var values = new List<double>();
        for (var e = -300; e <= 300; e++)
        {
            for (var k = 1; k <= 9; k++)
            {
                var v = k * Math.Pow(10, e);
                sketch.Add(v);
                values.Add(v);
            }
        }
        sketch.BucketCount.ShouldBeLessThanOrEqualTo(RelativeErrorSketch.MaxBuckets);
        sketch.Count.ShouldBe(values.Count);
        var sorted = values.Order().ToArray();
        // 4096 buckets span about 17.8 decades: the top ones keep full accuracy, the lower 583 decades were folded
        // into the lowest kept bucket.
        foreach (var q in new[] { 0.975, 0.99, 0.999, 1 })
        {
            ShouldBeClose(sketch.Quantile(q), Exact(sorted, q), $"q={q}");
        }
        sketch.Quantile(0).ShouldBeGreaterThan(1e282);

        // Adding in the other order (descending) collapses the same way.
        var descending = new RelativeErrorSketch();
        foreach (var v in sorted.Reverse())
        {
            descending.Add(v);
        }
        descending.BucketCount.ShouldBeLessThanOrEqualTo(RelativeErrorSketch.MaxBuckets);
        ShouldBeClose(descending.Quantile(0.99), Exact(sorted, 0.99), "descending q=0.99");
        var bytes = Encode(descending);
        Encode(RelativeErrorSketch.ReadFrom(bytes)).ShouldBe(bytes);
    }

    [Fact]
    public void Clear_empties_the_sketch()
    {
        var sketch = Build(new Random(3), 500, Shape.WithNegativesAndZeros);
        sketch.Clear();
        sketch.IsEmpty.ShouldBeTrue();
        sketch.Add(42);
        ShouldBeClose(sketch.Quantile(0.5), 42, "after clear");
        sketch.BucketCount.ShouldBe(1);
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        var sketch = new RelativeErrorSketch();
        Should.Throw<ArgumentOutOfRangeException>(() => sketch.Add(double.PositiveInfinity));
        Should.Throw<ArgumentOutOfRangeException>(() => sketch.Add(1, double.NaN));
        Should.Throw<ArgumentOutOfRangeException>(() => sketch.Quantile(1.5));
    }

    [Fact]
    public void Corrupt_bytes_fail_with_InvalidDataException_only()
    {
        var random = new Random(99);
        var good = Encode(Build(random, 300, Shape.WithNegativesAndZeros));
        for (var trial = 0; trial < 5000; trial++)
        {
            byte[] bytes;
            if (trial % 2 == 0)
            {
                bytes = (byte[])good.Clone();
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
                if (random.Next(4) == 0)
                {
                    bytes = bytes[..random.Next(bytes.Length)];
                }
            }
            else
            {
                bytes = new byte[random.Next(0, 40)];
                random.NextBytes(bytes);
                if (bytes.Length > 1)
                {
                    bytes[0] = 1;
                    bytes[1] = (byte)random.Next(2);
                }
            }
            try
            {
                var sketch = RelativeErrorSketch.ReadFrom(bytes, out _);
                sketch.Count.ShouldBeGreaterThanOrEqualTo(0);
                _ = sketch.Quantile(0.5);
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
