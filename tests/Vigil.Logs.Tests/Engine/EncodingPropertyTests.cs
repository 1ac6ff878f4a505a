using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Logs.Engine.Encoding;

namespace Vigil.Logs.Tests.Engine;

public sealed class EncodingPropertyTests
{
    private sealed class Columns(List<(long Ts, long Seq, long Ingest, int Stream, byte[] Message)> rows) : IEventColumns
    {
        public int Count => rows.Count;

        public long Timestamp(int i) => rows[i].Ts;

        public long Seq(int i) => rows[i].Seq;

        public long IngestionTime(int i) => rows[i].Ingest;

        public int Stream(int i) => rows[i].Stream;

        public ReadOnlySpan<byte> Message(int i) => rows[i].Message;

        public ReadOnlyMemory<byte> MessageMemory(int i) => rows[i].Message;
    }

    private static Columns RandomColumns(int seed, int n)
    {
        var random = new Random(seed);
        var rows = new List<(long, long, long, int, byte[])>();
        for (var i = 0; i < n; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 300)).Select(_ => (char)random.Next(32, 0x2FF))]);
            rows.Add((random.NextInt64(-1L << 40, 1L << 42), random.NextInt64(1, long.MaxValue / 2), random.NextInt64(0, 1L << 42), random.Next(0, 5000), System.Text.Encoding.UTF8.GetBytes(text)));
        }

        return new Columns(rows);
    }

    [Fact]
    public void A_chunk_decodes_to_exactly_what_was_encoded_in_the_given_order()
    {
        var reused = new ChunkBuffers(); // shared by every case, as a scan worker decodes chunk after chunk of any size
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), Gen.Choose(0, 400).ToArbitrary(), (seed, n) =>
        {
            var columns = RandomColumns(seed, n);
            var order = Enumerable.Range(0, n).Reverse().ToArray();
            var encoded = ChunkCodec.Encode(columns, order, quality: 1);
            foreach (var decoded in new[] { ChunkCodec.Decode(encoded), ChunkCodec.Decode(encoded, reused) })
            {
                decoded.Count.ShouldBe(n);
                for (var k = 0; k < n; k++)
                {
                    var i = order[k];
                    (decoded.Timestamp(k), decoded.Seq(k), decoded.IngestionTime(k), decoded.Stream(k)).ShouldBe((columns.Timestamp(i), columns.Seq(i), columns.IngestionTime(i), columns.Stream(i)));
                    decoded.Message(k).SequenceEqual(columns.Message(i)).ShouldBeTrue();
                }

                if (n > 0 && columns.Message(order[n - 1]).Length > 0)
                {
                    decoded.EventsContaining(columns.Message(order[n - 1])).ShouldContain(n - 1); // the search ends at this chunk's end, not the buffer's
                }
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Chunks_encoded_one_after_another_into_one_reused_writer_each_decode_to_their_own_events() =>
        // A seal reuses one writer for all of a block's chunks (reset in between), and the pooled message buffers
        // come back with the previous chunk's bytes in them: neither may leak into the next chunk.
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var writer = new System.Buffers.ArrayBufferWriter<byte>();
            for (var chunk = 0; chunk < 4; chunk++)
            {
                var columns = RandomColumns(random.Next(), random.Next(0, 200));
                int[] order = [.. Enumerable.Range(0, columns.Count).OrderBy(_ => random.Next())];
                writer.ResetWrittenCount();
                ChunkCodec.Encode(columns, order, quality: random.Next(0, 3), writer);
                var decoded = ChunkCodec.Decode(writer.WrittenSpan);
                decoded.Count.ShouldBe(columns.Count);
                for (var k = 0; k < order.Length; k++)
                {
                    decoded.Timestamp(k).ShouldBe(columns.Timestamp(order[k]));
                    decoded.Message(k).SequenceEqual(columns.Message(order[k])).ShouldBeTrue();
                }
            }
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_whole_buffer_search_finds_exactly_the_events_containing_the_needle() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            // Short messages over a tiny alphabet: needles often span two messages, and empty messages occur.
            var rows = Enumerable.Range(0, random.Next(0, 60))
                .Select(i => (0L, (long)i, 0L, 0, System.Text.Encoding.UTF8.GetBytes(new string([.. Enumerable.Range(0, random.Next(0, 6)).Select(_ => "ab"[random.Next(2)])]))))
                .ToList();
            var columns = new Columns(rows);
            var chunk = ChunkCodec.Decode(ChunkCodec.Encode(columns, [.. Enumerable.Range(0, rows.Count)], quality: 1));
            var needle = System.Text.Encoding.UTF8.GetBytes(new string([.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => "ab"[random.Next(2)])]));
            var expected = Enumerable.Range(0, rows.Count).Where(i => rows[i].Item5.AsSpan().IndexOf(needle) >= 0).ToList();
            chunk.EventsContaining(needle).Where(i => chunk.Message(i).IndexOf(needle) >= 0).ShouldBe(expected);
            chunk.EventsContaining(needle).ShouldBeSubsetOf(Enumerable.Range(0, rows.Count));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void The_bloom_filter_never_misses_a_substring_of_a_chunk_message() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var columns = RandomColumns(seed, 50);
            var bloom = TrigramBloom.Build(columns, 0, columns.Count);
            var random = new Random(seed);
            for (var i = 0; i < columns.Count; i++)
            {
                var m = columns.Message(i);
                if (m.Length < 3)
                {
                    continue;
                }

                var start = random.Next(0, m.Length - 2);
                var length = random.Next(3, m.Length - start + 1);
                bloom.MayContain(m.Slice(start, length)).ShouldBeTrue();
            }

            var read = TrigramBloom.Read(Serialize(bloom));
            read.MayContain(columns.Message(0)).ShouldBeTrue();
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Field_names_are_those_of_a_document_walk() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            // Random objects up to 4 deep, with escaped and non-ASCII names, arrays (listed, not descended) and repeats.
            var random = new Random(seed);
            string[] pieces = ["a", "b", "level", "x.y", "\\u00e9t\\u00e9", "\\\"q\\\"", "ü", "long_name_with_more_characters_than_usual"];
            string Name() => string.Concat(Enumerable.Range(0, random.Next(1, 3)).Select(_ => pieces[random.Next(pieces.Length)]));
            string Value(int depth) => random.Next(6) switch
            {
                0 when depth < 4 => Object(depth + 1),
                1 => "[1,{\"n\":2},[3]]",
                2 => random.Next(4) switch { 0 => "\"text\"", 1 => "\"\\\"}\"", 2 => "\" \\\"quoted\\\" ]}{, \"", _ => "\"\\\",\\\"fake\\\":1,\\\"z\"" },
                3 => "null",
                _ => random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            string Object(int depth) => "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 5)).Select(_ => $"\"{Name()}\":{Value(depth)}")) + "}";
            var json = Object(0);

            var names = new HashSet<string>(StringComparer.Ordinal);
            JsonFieldNames.Collect(System.Text.Encoding.UTF8.GetBytes(json), names);
            var expected = new HashSet<string>(StringComparer.Ordinal);
            void Walk(System.Text.Json.JsonElement element, string prefix)
            {
                foreach (var p in element.EnumerateObject())
                {
                    if (p.Value.ValueKind == System.Text.Json.JsonValueKind.Object)
                    {
                        Walk(p.Value, prefix + p.Name + ".");
                    }
                    else
                    {
                        expected.Add(prefix + p.Name);
                    }
                }
            }

            using var doc = System.Text.Json.JsonDocument.Parse(json);
            Walk(doc.RootElement, "");
            names.SetEquals(expected).ShouldBeTrue($"{json}: [{string.Join(", ", names)}] vs [{string.Join(", ", expected)}]");

            // The structural walk alone, where it does not hand over to the reader, finds exactly the same.
            var plain = new HashSet<string>(StringComparer.Ordinal);
            if (JsonFieldNames.TryCollectPlain(System.Text.Encoding.UTF8.GetBytes(json), plain))
            {
                plain.SetEquals(expected).ShouldBeTrue($"{json}: walk [{string.Join(", ", plain)}] vs [{string.Join(", ", expected)}]");
            }
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void The_bloom_filter_rules_out_most_absent_phrases()
    {
        var columns = RandomColumns(1, 200);
        var bloom = TrigramBloom.Build(columns, 0, columns.Count);
        var absent = Enumerable.Range(0, 1000).Count(i => bloom.MayContain(System.Text.Encoding.UTF8.GetBytes($"zz{i:D6}qq")));
        absent.ShouldBeLessThan(20);
    }

    [Theory]
    [InlineData(0)] // random from the start: the check after a quarter of the events sends it to the large scratch
    [InlineData(1000)] // one repeated line first: only the check at the end sees the need
    public void A_chunk_with_many_distinct_windows_gets_a_filter_sized_for_them(int repeated)
    {
        var random = new Random(7);
        var line = System.Text.Encoding.UTF8.GetBytes("GET /health 200 0.1 ms");
        var rows = Enumerable.Range(0, 4000)
            .Select(i => (0L, (long)i, 0L, 0, i < repeated ? line : RandomBytes(random, 48)))
            .ToList();
        var columns = new Columns(rows);
        var bloom = TrigramBloom.Build(columns, 0, columns.Count);

        // ~140 k distinct windows need ~4 bits each: far more than the 32 KiB a small chunk's filter can have.
        bloom.ByteSize.ShouldBeGreaterThan(64 * 1024);
        for (var i = 0; i < columns.Count; i++)
        {
            bloom.MayContain(columns.Message(i)).ShouldBeTrue();
        }

        var passed = Enumerable.Range(0, 1000).Count(_ => bloom.MayContain(RandomBytes(random, 8)));
        passed.ShouldBeLessThan(50);
    }

    [Fact]
    public void Seal_orders_equal_the_field_by_field_orders_whether_keys_pack_or_not() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), Gen.Choose(0, 300).ToArbitrary(), (seed, n) =>
        {
            // Narrow ranges pack into one key; full-range timestamps, seqs or streams take the struct comparers.
            var random = new Random(seed);
            var wide = random.Next(4);
            var seqStep = wide == 1 ? long.MaxValue / 400 : random.Next(1, 3);
            var seqs = Enumerable.Range(0, n).Select(i => 1 + (i * seqStep)).OrderBy(_ => random.Next()).ToList();
            var rows = Enumerable.Range(0, n).Select(i => (
                Ts: wide == 0 ? random.NextInt64(long.MinValue / 2, long.MaxValue / 2) : 1_700_000_000_000 + random.Next(0, 50),
                Seq: seqs[i],
                Ingest: 0L,
                Stream: wide == 2 ? random.Next(int.MinValue, int.MaxValue) : random.Next(0, 3),
                Message: random.Next(2) == 0 ? "{\"a\":1}"u8.ToArray() : "text"u8.ToArray())).ToList();
            var columns = new Columns(rows);

            var byPosition = Enumerable.Range(0, n).ToArray();
            SealOrder.ByPosition(columns, byPosition);
            byPosition.ShouldBe(Enumerable.Range(0, n).OrderBy(i => rows[i].Ts).ThenBy(i => rows[i].Seq).ToArray());

            var inChunk = Enumerable.Range(0, n).ToArray();
            SealOrder.InChunk(columns, inChunk);
            inChunk.ShouldBe(Enumerable.Range(0, n).OrderBy(i => rows[i].Message[0] == (byte)'{' ? 0 : 1).ThenBy(i => rows[i].Stream).ThenBy(i => rows[i].Seq).ToArray());
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Catalogue_changes_and_snapshots_round_trip()
    {
        var key = new LogGroupKey("123456789012", "eu-west-1", "/a/b");
        CatalogChange[] changes =
        [
            new(CatalogOp.CreateGroup, 3, 1000) { Key = key, KmsKeyId = "arn:aws:kms:k", LogGroupClass = "INFREQUENT_ACCESS", DeletionProtection = true, Tags = new Dictionary<string, string> { ["a"] = "1", ["b"] = "" } },
            new(CatalogOp.SetRetention, 3, 1001) { RetentionInDays = 30 },
            new(CatalogOp.CreateStream, 3, 1002) { StreamId = 9, StreamName = "s/ü" },
            new(CatalogOp.CreateStream, 3, 1003) { StreamId = 10, StreamName = "t" },
            new(CatalogOp.Untag, 3, 1004) { TagKeys = ["b"] },
            new(CatalogOp.DeleteStream, 3, 1005) { StreamId = 10, StreamName = "t" },
            new(CatalogOp.SetDeletionProtection, 3, 1006) { DeletionProtection = false },
        ];
        var catalog = new LogCatalog();
        foreach (var change in changes)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            change.WriteTo(buffer);
            var read = CatalogChange.Read(buffer.WrittenSpan, out var consumed);
            consumed.ShouldBe(buffer.WrittenCount);
            catalog.Apply(read);
        }

        var restored = LogCatalog.ReadSnapshot(catalog.WriteSnapshot());
        var group = restored.Find(key).ShouldNotBeNull().Snapshot();
        (group.CreationTime, group.RetentionInDays, group.KmsKeyId, group.LogGroupClass, group.DeletionProtection).ShouldBe((1000L, (int?)30, "arn:aws:kms:k", "INFREQUENT_ACCESS", false));
        group.Tags.ShouldBe(new Dictionary<string, string> { ["a"] = "1" });
        restored.Find(3)!.Streams.Keys.ShouldBe(["s/ü"]);
        (restored.NextGroupId, restored.NextStreamId).ShouldBe((4, 11));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Serialize(TrigramBloom bloom)
    {
        var bytes = new byte[bloom.ByteSize];
        bloom.WriteTo(bytes);
        return bytes;
    }
}
