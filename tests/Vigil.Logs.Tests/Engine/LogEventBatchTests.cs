using Vigil.Logs.Engine;

namespace Vigil.Logs.Tests.Engine;

public sealed class LogEventBatchTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_383)]
    [InlineData(16_384)]
    [InlineData(300_000)]
    public void Strings_and_utf8_spans_encode_alike_and_decode_back(int length)
    {
        var message = string.Concat(Enumerable.Repeat("é€x", (length / 3) + 1))[..length];
        var fromStrings = LogEventBatch.From([(-5, message), (1_700_000_000_000, "second")]);
        var fromBytes = new LogEventBatch(16);
        fromBytes.Add(-5, System.Text.Encoding.UTF8.GetBytes(message));
        fromBytes.Add(1_700_000_000_000, "second"u8);

        fromBytes.Payload.ToArray().ShouldBe(fromStrings.Payload.ToArray());
        (fromBytes.Count, fromBytes.MessageBytes).ShouldBe((2, System.Text.Encoding.UTF8.GetByteCount(message) + 6L));
        fromBytes.Decode(42).ShouldBe([new(-5, 42, message), new(1_700_000_000_000, 42, "second")]);
    }

    [Fact]
    public async Task The_store_reports_each_acknowledged_batch_with_its_ingestion_time()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("s");
        var seen = new List<(string Stream, long Ingestion, int Count)>();
        f.Store.Appended = (key, stream, batch, ingestion) => seen.Add((stream, ingestion, batch.Decode(ingestion).Count));
        var result = await f.PutAsync("s", (1, "a"), (2, "b"));
        seen.ShouldBe([("s", LogStoreFixture.Ms(LogStoreFixture.T0), 2)]);
        result.IngestionTime.ShouldBe(LogStoreFixture.Ms(LogStoreFixture.T0));
    }
}
