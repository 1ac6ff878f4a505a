namespace Vigil.Storage.ControlPlane;

/// <summary>
/// One schema change for one area's tables in control.db (docs/formats/controlplane.md).
/// Versions start at 1 and grow by area; a migration, once shipped, is never edited — a
/// change is a new version. <paramref name="Sql"/> may hold several statements but must not
/// manage transactions itself: each migration runs inside its own.
/// </summary>
/// <param name="Version">Position within the area, ≥ 1, strictly increasing in registration order.</param>
/// <param name="Area">Owning area, such as "alarms" or "logs"; compared ordinally.</param>
/// <param name="Sql">SQLite statements to run.</param>
public sealed record Migration(int Version, string Area, string Sql);

/// <summary>A migration's SQL failed; its transaction was rolled back and none after it ran.</summary>
public sealed class MigrationFailedException : Exception
{
    public MigrationFailedException()
        : base("A control-plane migration failed.")
    {
        Area = string.Empty;
    }

    public MigrationFailedException(string message)
        : base(message)
    {
        Area = string.Empty;
    }

    public MigrationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Area = string.Empty;
    }

    public MigrationFailedException(string area, int version, Exception innerException)
        : base($"Control-plane migration {area} v{version} failed and was rolled back: {innerException?.Message}", innerException)
    {
        Area = area;
        Version = version;
    }

    public string Area { get; }

    public int Version { get; }
}
