using System.Text;
using Vigil.Storage.Hashing;

namespace Vigil.Storage.Tests.Hashing;

public sealed class ByteKeyIndexTests
{
    [Fact]
    public void Every_added_key_is_found_with_its_value_through_growth_and_others_are_not()
    {
        var index = new ByteKeyIndex<string>();
        var rng = new Random(5);
        var keys = new List<byte[]>();
        var seen = new HashSet<string>();
        // Lengths 0..300 (past the first key arena of 1 KiB, so slots and arena both grow many times).
        while (keys.Count < 20_000)
        {
            var key = new byte[rng.Next(0, 300)];
            rng.NextBytes(key);
            if (seen.Add(Convert.ToHexString(key)))
            {
                keys.Add(key);
                index.GetOrAdd(key, Convert.ToHexString(key)).ShouldBe(Convert.ToHexString(key));
            }
        }
        index.Count.ShouldBe(keys.Count);
        foreach (var key in keys)
        {
            index.TryGet(key, out var value).ShouldBeTrue();
            value.ShouldBe(Convert.ToHexString(key));
        }
        for (var i = 0; i < 20_000; i++)
        {
            var other = new byte[rng.Next(0, 300)];
            rng.NextBytes(other);
            if (!seen.Contains(Convert.ToHexString(other)))
            {
                index.TryGet(other, out _).ShouldBeFalse();
            }
        }
    }

    [Fact]
    public void A_key_added_twice_keeps_its_first_value_and_prefixes_are_distinct_keys()
    {
        var index = new ByteKeyIndex<string>();
        var key = Encoding.UTF8.GetBytes("123456789012\0us-east-1\0App\0Latency\0");
        index.GetOrAdd(key, "first").ShouldBe("first");
        index.GetOrAdd(key, "second").ShouldBe("first");
        index.GetOrAdd(key.AsSpan(0, key.Length - 1), "shorter").ShouldBe("shorter");
        index.GetOrAdd([], "empty").ShouldBe("empty");
        index.TryGet(key, out var value).ShouldBeTrue();
        value.ShouldBe("first");
        index.TryGet(key.AsSpan(0, key.Length - 1), out value).ShouldBeTrue();
        value.ShouldBe("shorter");
        index.TryGet([], out value).ShouldBeTrue();
        value.ShouldBe("empty");
        index.Count.ShouldBe(3);
        // Prefetching is a hint: any hash, present or not, is harmless.
        index.Prefetch(ByteKeyIndex.HashOf(key));
        index.PrefetchKey(ByteKeyIndex.HashOf(key));
        index.PrefetchKey(ByteKeyIndex.HashOf("absent"u8));
        ByteKeyIndex.HashOf([]).ShouldNotBe(0UL);
    }

    [Fact]
    public async Task Readers_running_beside_a_writer_find_every_published_key_and_never_a_wrong_value()
    {
        var index = new ByteKeyIndex<byte[]>();
        var keys = Enumerable.Range(0, 50_000).Select(i => Encoding.UTF8.GetBytes($"acct\0region\0ns\0metric-{i}\0host\0h{i % 97}")).ToArray();
        var published = 0;
        var failures = 0;
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var rng = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                var upTo = Volatile.Read(ref published);
                if (upTo == 0)
                {
                    continue;
                }
                var key = keys[rng.Next(upTo)];
                // Published before this read began: must be found, under its own value.
                if (!index.TryGet(key, out var value) || !ReferenceEquals(value, key))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();
        foreach (var key in keys)
        {
            index.GetOrAdd(key, key);
            Volatile.Write(ref published, published + 1);
        }
        stop.Cancel();
        await Task.WhenAll(readers);
        failures.ShouldBe(0);
        index.Count.ShouldBe(keys.Length);
    }
}
