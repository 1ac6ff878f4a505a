using Xunit.Abstractions;

namespace Vigil.Storage.Tests.Wal;

[Collection(Measurements.Name)]
public sealed class WalAllocationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Steady_state_appends_allocate_next_to_nothing()
    {
        using var temp = new TempDirectory();
        await using var log = WalTestKit.Open(temp.Path);
        var payload = new ReadOnlyMemory<byte>(new byte[500]);
        for (var i = 0; i < 1_000; i++)
        {
            await log.AppendAsync(payload); // warm-up: JIT, pools, batch buffers
        }

        const int Appends = 5_000;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Appends; i++)
        {
            await log.AppendAsync(payload);
        }

        var perAppend = (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / Appends;
        output.WriteLine($"{perAppend:N1} bytes allocated per append (whole process)");

        // Pooled completions and batch buffers: what remains is the test host's own noise.
        perAppend.ShouldBeLessThan(32);
    }
}
