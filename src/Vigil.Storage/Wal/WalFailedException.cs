namespace Vigil.Storage.Wal;

/// <summary>
/// A write or fsync of the WAL failed, so the log stopped accepting writes. Every append that
/// was pending, and every later one, faults with this; <see cref="Exception.InnerException"/>
/// is the original I/O error. Nothing covered by it was acknowledged. Reopening the log runs
/// recovery, which keeps whatever reached the disk intact.
/// </summary>
public sealed class WalFailedException : IOException
{
    public WalFailedException()
        : base("The write-ahead log stopped accepting writes.")
    {
    }

    public WalFailedException(string message)
        : base(message)
    {
    }

    public WalFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
