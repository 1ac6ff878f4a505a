using Vigil.Logs.Model;

namespace Vigil.Logs.Tests;

public sealed class ModelTests
{
    [Fact]
    public void An_ingested_event_keeps_both_times_and_the_message()
    {
        var e = new IngestedLogEvent(1_700_000_000_000, 1_700_000_000_500, "hello");
        e.Timestamp.ShouldBe(1_700_000_000_000);
        e.IngestionTime.ShouldBe(1_700_000_000_500);
        e.Message.ShouldBe("hello");
    }
}
