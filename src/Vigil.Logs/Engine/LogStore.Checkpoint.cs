using System.Globalization;
using Vigil.Storage.IO;

namespace Vigil.Logs.Engine;

/// <summary>
/// Checkpoints (sealing heads into blocks), background recompression of fast-sealed blocks, and retention (dropping
/// whole blocks): docs/formats/log-store.md.
/// </summary>
public sealed partial class LogStore
{
    private long _lastRetention = Environment.TickCount64; // background loop only; the first pass a minute in
    /// <summary>Seals every head into blocks and truncates the WAL. Safe at any time; one runs at a time.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Dictionary<int, LogHead> frozen;
            Dictionary<int, HashSet<int>> liveStreams;
            byte[] catalog;
            long nextSeq;
            ValueTask<long> marker;
            lock (_lock)
            {
                if (_heads.Count == 0)
                {
                    return;
                }

                frozen = _heads;
                _heads = [];
                _sealing = [.. _sealing, frozen];
                _headBytes = 0;
                liveStreams = frozen.Keys
                    .Select(_catalog.Find)
                    .OfType<Catalog.LogGroupState>()
                    .ToDictionary(g => g.Id, g => g.StreamsById.Keys.ToHashSet());
                foreach (var id in frozen.Keys)
                {
                    if (_catalog.Find(id) is { } g)
                    {
                        g.HeadBytes = 0;
                        foreach (var s in g.Streams.Values)
                        {
                            s.HeadBytes = 0;
                        }
                    }
                }

                // The snapshot and the marker are taken together: replay after the marker starts from this state.
                catalog = _catalog.WriteSnapshot();
                nextSeq = _nextSeq;
                marker = _wal.AppendAsync(MarkerRecord, ReadOnlyMemory<byte>.Empty, cancellationToken);
            }

            var markerLsn = await marker.ConfigureAwait(false);
            // Groups seal in parallel: compression is the checkpoint's cost, and it is independent per group.
            var written = new System.Collections.Concurrent.ConcurrentBag<LogBlock>();
            Parallel.ForEach(frozen, new ParallelOptions { CancellationToken = cancellationToken }, entry =>
            {
                var (groupId, head) = entry;
                if (!liveStreams.TryGetValue(groupId, out var streams))
                {
                    return;
                }

                var name = string.Create(CultureInfo.InvariantCulture, $"g{groupId:D8}-{markerLsn:D20}.lblk");
                if (LogBlock.Write(_blockDir, name, head.View(), streams.Contains, _options, Math.Min(_options.SealQuality, _options.CompressionQuality)) is { } path)
                {
                    written.Add(LogBlock.Open(path));
                }
            });

            var snapshotName = $"catalog-{markerLsn:D20}.snap";
            AtomicFile.WriteAllBytes(Path.Combine(_options.Directory, snapshotName), catalog, _options.Sync);
            List<LogBlock> blocks;
            lock (_lock)
            {
                blocks = [.. _blocks, .. written.OrderBy(b => b.FileName, StringComparer.Ordinal)];
            }

            var previousSnapshot = _manifest.Current.Properties.GetValueOrDefault(CatalogProperty);
            _manifest.Commit([.. blocks.Select(b => b.FileName)], new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [CheckpointProperty] = markerLsn.ToString(CultureInfo.InvariantCulture),
                [CatalogProperty] = snapshotName,
                [NextSeqProperty] = nextSeq.ToString(CultureInfo.InvariantCulture),
            });
            lock (_lock)
            {
                _blocks = blocks;
                _sealing = [.. _sealing.Where(h => h != frozen)];
                RecomputeBlockBytes();
            }

            _wal.TruncateBefore(markerLsn);
            if (previousSnapshot is not null && previousSnapshot != snapshotName)
            {
                AtomicFile.DeleteIfExists(Path.Combine(_options.Directory, previousSnapshot));
            }
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    /// <summary>
    /// Deletes the blocks of deleted log groups and the blocks whose newest event is older than their group's
    /// retention. Returns how many blocks went.
    /// </summary>
    public async Task<int> EnforceRetentionAsync(CancellationToken cancellationToken = default)
    {
        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<LogBlock> keep, drop;
            lock (_lock)
            {
                var now = Now();
                drop = [.. _blocks.Where(b => _catalog.Find(b.GroupId) is not { } g
                    || (g.RetentionInDays is { } days && b.MaxTimestamp < now - (days * 86_400_000L)))];
                if (drop.Count == 0)
                {
                    return 0;
                }

                keep = [.. _blocks.Except(drop)];
            }

            _manifest.Commit([.. keep.Select(b => b.FileName)], _manifest.Current.Properties);
            lock (_lock)
            {
                _blocks = keep;
                RecomputeBlockBytes();
            }

            foreach (var block in drop)
            {
                // A query may still be reading the block: unlinking leaves its open handle valid (Unix semantics,
                // FileShare.Delete elsewhere); the handle closes when the block is collected.
                AtomicFile.DeleteIfExists(Path.Combine(_blockDir, block.FileName));
                _cache.Evict(block.FileName);
            }

            return drop.Count;
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    /// <summary>
    /// Recompresses the oldest block sealed below <see cref="LogStoreOptions.CompressionQuality"/> (only once it is
    /// <see cref="LogStoreOptions.RecompressAfter"/> old unless <paramref name="anyAge"/>) and swaps it in through the
    /// manifest. The work happens outside the checkpoint gate; only the swap holds it. False when none was due.
    /// </summary>
    public async Task<bool> RecompressNextAsync(bool anyAge, CancellationToken cancellationToken = default)
    {
        // One at a time (the background loop and RecompressAllAsync would otherwise pick the same block).
        await _recompressGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RecompressNextCoreAsync(anyAge, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _recompressGate.Release();
        }
    }

    private readonly SemaphoreSlim _recompressGate = new(1, 1);

    private async Task<bool> RecompressNextCoreAsync(bool anyAge, CancellationToken cancellationToken)
    {
        LogBlock? source;
        lock (_lock)
        {
            var now = Environment.TickCount64;
            source = _blocks.FirstOrDefault(b => b.Quality >= 0 && b.Quality < _options.CompressionQuality
                && (anyAge || now - b.OpenedAt >= _options.RecompressAfter.TotalMilliseconds));
        }

        if (source is null)
        {
            return false;
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(source.FileName)}-q{_options.CompressionQuality}.lblk");
        var replacement = LogBlock.Open(LogBlock.Recompress(source, _blockDir, name, _options.CompressionQuality, _options.Sync));
        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<LogBlock> blocks;
            lock (_lock)
            {
                blocks = [.. _blocks];
            }

            var at = blocks.IndexOf(source);
            if (at < 0)
            {
                // Retention or a group's deletion dropped it meanwhile.
                replacement.Dispose();
                AtomicFile.DeleteIfExists(Path.Combine(_blockDir, name));
                return true;
            }

            blocks[at] = replacement;
            _manifest.Commit([.. blocks.Select(b => b.FileName)], _manifest.Current.Properties);
            lock (_lock)
            {
                _blocks = blocks;
                RecomputeBlockBytes();
            }
        }
        finally
        {
            _checkpointGate.Release();
        }

        // As retention does: an open handle of a query still reading the old file stays valid.
        AtomicFile.DeleteIfExists(Path.Combine(_blockDir, source.FileName));
        _cache.Evict(source.FileName);
        return true;
    }

    /// <summary>Recompresses every fast-sealed block now, whatever its age (benchmarks, tests, a quiet shutdown).</summary>
    public async Task RecompressAllAsync(CancellationToken cancellationToken = default)
    {
        while (await RecompressNextAsync(anyAge: true, cancellationToken).ConfigureAwait(false))
        {
        }
    }

    /// <summary>One pass of the background loop (every 500 ms): a checkpoint when due, retention every minute.</summary>
    private async Task MaintainAsync(CancellationToken cancellationToken)
    {
        bool due;
        lock (_lock)
        {
            due = _headBytes >= _options.CheckpointHeadBytes
                || (_headBytes > 0 && Environment.TickCount64 - _headStartedAt >= _options.CheckpointInterval.TotalMilliseconds);
        }

        if (due)
        {
            await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // At most one block a pass, so a checkpoint that falls due waits for one block's recompression at most.
            await RecompressNextAsync(anyAge: false, cancellationToken).ConfigureAwait(false);
        }

        if (Environment.TickCount64 - _lastRetention >= _options.RetentionInterval.TotalMilliseconds)
        {
            _lastRetention = Environment.TickCount64;
            await EnforceRetentionAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
