using System.Buffers.Binary;
using Vigil.Storage.IO;
using Vigil.Storage.Wal;

namespace Vigil.Storage.Tests.Wal;

/// <summary>Builders and readers shared by the WAL tests.</summary>
internal static class WalTestKit
{
    /// <summary>Opens a log; zero-fill is off unless asked for, so file lengths equal record ends in the tests that measure them.</summary>
    public static WriteAheadLog Open(string directory, long segmentBytes = WalOptions.DefaultSegmentBytes,
        SyncMode sync = SyncMode.None, Action<WalIoOperation>? hook = null, int zeroFillBytes = 0) =>
        WriteAheadLog.Open(new WalOptions { Directory = directory, SegmentBytes = segmentBytes, Sync = sync, IoHook = hook, ZeroFillBytes = zeroFillBytes });

    /// <summary>A payload whose bytes say which record it is, so a mix-up cannot go unnoticed.</summary>
    public static byte[] Payload(int seed, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((seed * 31) + (i * 7));
        }

        if (length >= 4)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes, seed);
        }

        return bytes;
    }

    /// <summary>Replays into copies (payload buffers are reused by the enumerator).</summary>
    public static List<(long Lsn, byte Type, byte[] Payload)> ReadAll(WriteAheadLog log, long fromLsn = 1)
    {
        var records = new List<(long, byte, byte[])>();
        foreach (var record in log.Replay(fromLsn))
        {
            records.Add((record.Lsn, record.Type, record.Payload.ToArray()));
        }

        return records;
    }

    /// <summary>Opens, replays and closes: what a restarted process would see.</summary>
    public static async Task<(WalRecoveryReport Report, List<(long Lsn, byte Type, byte[] Payload)> Records)> Reopen(
        string directory, long segmentBytes = WalOptions.DefaultSegmentBytes, int zeroFillBytes = 0)
    {
        await using var log = Open(directory, segmentBytes, zeroFillBytes: zeroFillBytes);
        return (log.Recovery, ReadAll(log));
    }

    public static string[] Segments(string directory)
    {
        var files = Directory.GetFiles(directory, "*.wal");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>On-disk size of a record with this payload.</summary>
    public static int RecordSize(int payloadLength) => WalFormat.RecordHeaderSize + payloadLength;

    public static void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
    }

    public static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x5A));
    }
}
