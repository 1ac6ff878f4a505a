using System.Globalization;
using Vigil.Storage.IO;

namespace Vigil.Audit.Engine;

/// <summary>Seals (head → block → manifest → WAL truncation) and retention: docs/formats/audit-block.md.</summary>
public sealed partial class AuditLog
{
    private long _lastRetention = long.MinValue / 2; // background loop only; its first pass enforces retention

    /// <summary>
    /// Seals every event acknowledged so far into a block, publishes it and truncates the WAL. Safe at any time; one
    /// seal or retention pass runs at a time. Runs on the caller's thread (the background loop's, normally): the cost
    /// is Brotli over the events' JSON, never paid by an append.
    /// </summary>
    public async Task SealAsync(CancellationToken cancellationToken = default)
    {
        await _sealGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<AuditHead> frozen;
            lock (_catchUpLock)
            {
                CatchUp();
                lock (_lock)
                {
                    if (_head.Count > 0)
                    {
                        _sealing = [.. _sealing, _head];
                        _head = new AuditHead();
                    }

                    // Heads a failed seal left behind go into this block too: the sealed LSN must cover them.
                    frozen = _sealing;
                }
            }

            if (frozen.Count == 0)
            {
                return;
            }

            var records = new List<AuditRecord>(frozen.Sum(h => h.Count));
            foreach (var head in frozen)
            {
                records.AddRange(head.Snapshot.Span);
            }

            var sorted = records.ToArray();
            Array.Sort(sorted, static (a, b) => a.Position.CompareTo(b.Position));
            var lastSequence = frozen[^1].LastSequence;
            var name = string.Create(CultureInfo.InvariantCulture, $"{records[0].Sequence:D20}-{lastSequence:D20}.ablk");

            // A file of this name can only be a block a failed seal wrote and never published.
            AtomicFile.DeleteIfExists(Path.Combine(_blockDir, name));
            var info = AuditBlock.Write(_blockDir, name, sorted, _options.ChunkBytes, _options.CompressionQuality, _options.Sync);
            List<AuditBlock> blocks;
            lock (_lock)
            {
                blocks = [.. _blocks, new AuditBlock(_blockDir, info)];
            }

            CommitManifest(blocks, lastSequence);
            lock (_lock)
            {
                _blocks = blocks;
                _sealing = [];
                _sealedLsn = lastSequence;
            }

            // Keeps the segment holding the last sealed record: its header is durable, so the WAL can never restart
            // below the sealed LSN (a later segment's might not be yet).
            _wal.TruncateBefore(lastSequence);
        }
        finally
        {
            _sealGate.Release();
        }
    }

    /// <summary>Removes the blocks whose newest event is older than the retention period. Returns how many went.</summary>
    public async Task<int> EnforceRetentionAsync(CancellationToken cancellationToken = default)
    {
        await _sealGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var cutoff = RetentionCutoff();
            List<AuditBlock> keep, drop;
            long sealedLsn;
            lock (_lock)
            {
                drop = [.. _blocks.Where(b => b.Info.MaxTime < cutoff)];
                if (drop.Count == 0)
                {
                    return 0;
                }

                keep = [.. _blocks.Where(b => b.Info.MaxTime >= cutoff)];
                sealedLsn = _sealedLsn;
            }

            CommitManifest(keep, sealedLsn);
            lock (_lock)
            {
                _blocks = keep;
            }

            foreach (var block in drop)
            {
                // A read that took its snapshot before this finds the file gone and skips it: every event in it is
                // past retention, which reads hide anyway.
                AtomicFile.DeleteIfExists(Path.Combine(_blockDir, block.Info.FileName));
            }

            return drop.Count;
        }
        finally
        {
            _sealGate.Release();
        }
    }

    private void CommitManifest(List<AuditBlock> blocks, long sealedLsn)
    {
        var properties = new Dictionary<string, string>(blocks.Count + 1, StringComparer.Ordinal)
        {
            [SealedProperty] = sealedLsn.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var block in blocks)
        {
            properties[BlockPropertyPrefix + block.Info.FileName] = block.Info.ToManifestValue();
        }

        _manifest.Commit([.. blocks.Select(b => b.Info.FileName)], properties);
    }

    /// <summary>Events older than this (epoch ms) are past retention.</summary>
    private long RetentionCutoff() => (_options.Clock.GetUtcNow() - _options.Retention).ToUnixTimeMilliseconds();

    private bool SealDue()
    {
        lock (_catchUpLock)
        {
            return _head.Bytes >= _options.SealBytes
                || (_head.StartedAt is { } started && _options.Clock.GetUtcNow() - started >= _options.SealInterval);
        }
    }

    /// <summary>One pass of the background loop (every 500 ms): catch up, seal when due, retention once a minute.</summary>
    private async Task MaintainAsync(CancellationToken cancellationToken)
    {
        CatchUp();
        if (SealDue())
        {
            await SealAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Environment.TickCount64 - _lastRetention >= _options.RetentionInterval.TotalMilliseconds)
        {
            _lastRetention = Environment.TickCount64;
            await EnforceRetentionAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
