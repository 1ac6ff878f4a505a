using FsCheck;
using FsCheck.Fluent;
using Vigil.Metrics.Engine;
using Vigil.Metrics.Model;
using Vigil.Storage.Binary;

namespace Vigil.Metrics.Tests.Engine;

public sealed class MetricWriteBatchTests
{
    private static readonly SeriesKey Key = new("111111111111", "us-east-1", new MetricIdentity("App", "CPU", []), "None", false);

    private readonly record struct Written(int SeriesId, long Timestamp, double A, double B, double C, double D, byte Kind);

    /// <summary>Collects what <see cref="MetricWriteBatch.Decode"/> hands to the head, in order.</summary>
    private struct Recorder : ISampleSink
    {
        public List<Written> Samples;

        public readonly void Value(int seriesId, long timestamp, double value, double count) =>
            Samples.Add(new Written(seriesId, timestamp, value, count, 0, 0, count == 1 ? MetricWriteBatch.KindValue : MetricWriteBatch.KindWeighted));

        public readonly void Set(int seriesId, in StatisticSetSample set) =>
            Samples.Add(new Written(seriesId, set.Timestamp, set.SampleCount, set.Sum, set.Minimum, set.Maximum, MetricWriteBatch.KindSet));
    }

    private static readonly Gen<Written> Sample =
        from id in Gen.OneOf(Gen.Choose(0, 200), Gen.Choose(0, int.MaxValue))
        from ts in Gen.OneOf(Gen.Elements(long.MinValue, long.MaxValue, 0L, -1L), ArbMap.Default.GeneratorFor<long>(), Gen.Choose(0, int.MaxValue).Select(s => 1_700_000_000_000L + s))
        from values in Gen.ArrayOf(ArbMap.Default.GeneratorFor<double>(), 4)
        from kind in Gen.Elements(MetricWriteBatch.KindValue, MetricWriteBatch.KindWeighted, MetricWriteBatch.KindSet)
        select kind switch
        {
            MetricWriteBatch.KindValue => new Written(id, ts, values[0], 1, 0, 0, kind),
            // A count of exactly 1 is stored as a plain value; the recorder would then see KindValue.
            MetricWriteBatch.KindWeighted => new Written(id, ts, values[0], values[1] == 1 ? 2 : values[1], 0, 0, kind),
            _ => new Written(id, ts, values[0], values[1], values[2], values[3], kind),
        };

    [Fact]
    public void Every_sample_decodes_as_written_in_order()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(Gen.ListOf(Sample)), samples =>
        {
            var batch = new MetricWriteBatch();
            foreach (var s in samples)
            {
                var series = new SeriesInfo(s.SeriesId, Key);
                if (s.Kind == MetricWriteBatch.KindSet)
                {
                    batch.AddSet(series, s.Timestamp, s.A, s.B, s.C, s.D);
                }
                else
                {
                    batch.Add(series, s.Timestamp, s.A, s.B);
                }
            }
            var recorder = new Recorder { Samples = [] };
            MetricWriteBatch.Decode(batch.Payload.Span, ref recorder);
            batch.SampleCount.ShouldBe(samples.Count);
            recorder.Samples.ShouldBe(samples); // record equality: NaN payloads compare equal to themselves
        }));
    }

    [Fact]
    public void Varints_take_seven_bits_a_byte()
    {
        Span<byte> span = stackalloc byte[10];
        Varint.Write(span, 0).ShouldBe(1);
        Varint.Write(span, 127).ShouldBe(1);
        Varint.Write(span, 128).ShouldBe(2);
        span[..2].ToArray().ShouldBe(new byte[] { 0x80, 0x01 });
        Varint.Write(span, ulong.MaxValue).ShouldBe(10);
        var offset = 0;
        Varint.Read(span, ref offset).ShouldBe(ulong.MaxValue);
        offset.ShouldBe(10);
    }
}
