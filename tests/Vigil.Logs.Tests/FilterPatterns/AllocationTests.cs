using Vigil.Logs.FilterPatterns;

namespace Vigil.Logs.Tests.FilterPatterns;

/// <summary>Matches runs per log line on the scan path: term and space-delimited patterns must not allocate.</summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData("ERROR \"payment declined\" -x", "ERROR 12 payment declined for order 7")]
    [InlineData("?WARN ?ERROR", "ERROR 12 payment declined for order 7")]
    [InlineData("[level = ERROR, n > 10, ..., order = 7]", "ERROR 12 payment declined for order 7")]
    [InlineData("[level, ..., word = *declined, rest]", "ERROR 12 \"payment declined\" [for order] 7")]
    public void Matching_does_not_allocate(string pattern, string message)
    {
        var compiled = FilterPattern.Parse(pattern);
        compiled.Matches(message).ShouldBeTrue();
        // Steady state: the JIT's tier-up may allocate once on a loaded machine, so the best of three rounds counts.
        var least = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1_000; i++)
            {
                compiled.Matches(message);
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        least.ShouldBe(0);
    }
}
