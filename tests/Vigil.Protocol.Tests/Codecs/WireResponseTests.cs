using FsCheck;
using FsCheck.Fluent;
using Shouldly;
using Vigil.Protocol.Codecs;
using Xunit;

namespace Vigil.Protocol.Tests.Codecs;

public class WireResponseTests
{
    [Fact]
    public void Writes_of_any_sizes_come_out_whole_and_in_order()
    {
        // Mostly small writes, some larger than a segment (the largest is 1 MiB; a few calls cross several).
        Gen<int[]> writes = Gen.Frequency((8, Gen.Choose(0, 5_000)), (1, Gen.Choose(0, 1_500_000))).ArrayOf();
        Prop.ForAll(writes.ToArbitrary(), sizes =>
        {
            using var response = new WireResponse();
            var expected = new MemoryStream();
            var next = (byte)0;
            foreach (var size in sizes)
            {
                // Ask for a hint of the size (as Utf8JsonWriter does), then fill it with a running pattern.
                var span = response.GetSpan(size);
                span.Length.ShouldBeGreaterThanOrEqualTo(Math.Max(size, 1));
                for (var i = 0; i < size; i++)
                {
                    span[i] = next++;
                }
                expected.Write(span[..size]);
                response.Advance(size);
            }
            response.Length.ShouldBe(expected.Length);
            response.Body.Span.SequenceEqual(expected.ToArray()).ShouldBeTrue();
            var sent = new MemoryStream();
            response.WriteToAsync(sent, CancellationToken.None).GetAwaiter().GetResult();
            sent.ToArray().AsSpan().SequenceEqual(expected.ToArray()).ShouldBeTrue();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60).WithQuietOnSuccess(true));
    }

    [Fact]
    public void Reset_empties_the_body_and_advancing_past_the_buffer_is_refused()
    {
        using var response = new WireResponse();
        response.GetSpan(10)[0] = 1;
        response.Advance(10);
        response.AddHeader("x", "y");
        response.Reset();
        response.Length.ShouldBe(0);
        response.Body.Length.ShouldBe(0);
        response.Headers.ShouldBeEmpty();
        var room = response.GetMemory().Length;
        Should.Throw<ArgumentOutOfRangeException>(() => response.Advance(room + 1));
    }

    [Fact]
    public void Appended_bodies_move_over_whole_and_in_order_and_writing_goes_on_after_them()
    {
        Gen<int[]> sizes = Gen.Choose(0, 200_000).ArrayOf();
        Prop.ForAll(sizes.ToArbitrary(), sizes.ToArbitrary(), (first, second) =>
        {
            using var response = new WireResponse();
            using var part = new WireResponse();
            var expected = new MemoryStream();
            var next = (byte)0;
            void Fill(WireResponse target, int[] writes)
            {
                foreach (var size in writes)
                {
                    var span = target.GetSpan(size);
                    for (var i = 0; i < size; i++)
                    {
                        span[i] = next++;
                    }
                    expected.Write(span[..size]);
                    target.Advance(size);
                }
            }
            Fill(response, first);
            Fill(part, second);
            response.Append(part);
            part.Length.ShouldBe(0);
            part.Body.Length.ShouldBe(0);
            Fill(response, [3, 70_000]);
            response.Length.ShouldBe(expected.Length);
            response.Body.Span.SequenceEqual(expected.ToArray()).ShouldBeTrue();
            var copy = new System.Buffers.ArrayBufferWriter<byte>();
            response.CopyTo(copy);
            copy.WrittenSpan.SequenceEqual(expected.ToArray()).ShouldBeTrue();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60).WithQuietOnSuccess(true));
        using var self = new WireResponse();
        Should.Throw<ArgumentException>(() => self.Append(self));
    }
}
