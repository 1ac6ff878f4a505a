namespace Vigil.Storage.Wal;

/// <summary>
/// One record handed out by <see cref="WriteAheadLog.Replay(long)"/>. <see cref="Payload"/>
/// points into a buffer the enumerator reuses: it is valid until the next MoveNext; copy it to
/// keep it.
/// </summary>
/// <param name="Lsn">Log sequence number, 1 for the first record ever written, +1 per record.</param>
/// <param name="Type">The caller's record type, 1..127 (<see cref="WriteAheadLog.DataRecordType"/> unless given).</param>
/// <param name="Payload">The bytes that were appended.</param>
public readonly record struct WalRecord(long Lsn, byte Type, ReadOnlyMemory<byte> Payload);
