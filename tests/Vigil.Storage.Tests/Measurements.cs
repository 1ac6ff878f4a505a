namespace Vigil.Storage.Tests;

/// <summary>
/// Tests that measure time or process-wide allocation run alone: other tests running in
/// parallel would steal the 2 cores and allocate into the same counters.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Measurements
{
    public const string Name = "Measurements";
}
