using FsCheck;
using FsCheck.Fluent;
using Vigil.Audit.Engine;
using Vigil.Storage.Wal;

namespace Vigil.Host.Tests.Audit;

/// <summary>The log against an in-memory reference: whatever happens, reads return exactly what was appended.</summary>
public sealed class AuditLogPropertyTests
{
    private enum Step
    {
        Append,
        Seal,
        Reopen,
        ReopenSealing,
        CrashBeforeTruncation,
        TearTail,
        Retention,
    }

    [Fact]
    public void Random_appends_seals_reopens_and_crashes_always_read_back_exactly_the_appended_events() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed => RunAsync(seed).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(40));

    private static async Task RunAsync(int seed)
    {
        var random = new Random(seed);
        await using var f = new AuditLogFixture(chunkBytes: random.Next(300, 5000), walSegmentBytes: random.Next(2, 20) * 1024);
        var expected = new List<(DateTimeOffset Time, long Seq, string Id)>();
        var steps = random.Next(5, 40);
        var walBeforeSeal = (string?)null;
        for (var s = 0; s < steps; s++)
        {
            var roll = random.Next(0, 14);
            var step = roll > (int)Step.Retention ? Step.Append : (Step)roll;
            switch (step)
            {
                case Step.Append:
                    for (var n = random.Next(1, 30); n > 0; n--)
                    {
                        // Mostly recent, now and then out of order, rarely past retention.
                        var time = random.Next(20) == 0
                            ? AuditLogFixture.T0.AddDays(-91 - random.Next(10))
                            : AuditLogFixture.T0.AddSeconds(-random.Next(0, 100_000)).AddMilliseconds(random.Next(1000));
                        var id = $"{seed}-{expected.Count}";
                        await f.AppendAsync(id, time);
                        expected.Add((time, expected.Count, id)); // sequences rise in append order
                    }

                    break;
                case Step.Seal:
                    walBeforeSeal = Snapshot(f.WalDirectory);
                    await f.Log.SealAsync();
                    break;
                case Step.Reopen:
                    await f.ReopenAsync();
                    break;
                case Step.ReopenSealing:
                    await f.ReopenAsync(sealOnDispose: true);
                    break;
                case Step.CrashBeforeTruncation when walBeforeSeal is not null:
                    // The last seal's truncation never reached the disk: the WAL still holds what the block holds.
                    await f.CloseAsync();
                    Directory.Delete(f.WalDirectory, recursive: true);
                    Directory.Move(walBeforeSeal, f.WalDirectory);
                    walBeforeSeal = null;
                    f.Reopen();
                    break;
                case Step.TearTail:
                    // A crash in the middle of the next append: a partial record after the last whole one.
                    await f.CloseAsync();
                    var torn = f.TearTail();
                    f.Reopen();
                    if (torn)
                    {
                        f.Log.Recovery.Damage.ShouldBeOneOf(WalDamage.TornRecord, WalDamage.ChecksumMismatch);
                    }

                    break;
                case Step.Retention:
                    await f.Log.EnforceRetentionAsync();
                    break;
            }

            if (walBeforeSeal is not null && step is not Step.Seal)
            {
                walBeforeSeal = null; // only a crash right after the seal is modelled
            }

            var cutoff = AuditLogFixture.T0.AddDays(-90);
            var live = expected.Where(e => e.Time >= cutoff).ToList();
            f.AllIds().ShouldBe([.. live.OrderBy(e => e.Time).ThenBy(e => e.Seq).Select(e => e.Id)], $"seed {seed}, step {s} ({step})");
        }

        var newest = f.Log.Read(AuditLogFixture.T0.AddDays(-2), AuditLogFixture.T0, AuditOrder.NewestFirst).Select(r => r.Decode().EventId).ToList();
        newest.ShouldBe([.. expected.Where(e => e.Time >= AuditLogFixture.T0.AddDays(-2)).OrderByDescending(e => e.Time).ThenByDescending(e => e.Seq).Select(e => e.Id)]);
    }

    private static string Snapshot(string directory)
    {
        var copy = directory + "." + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(directory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}
