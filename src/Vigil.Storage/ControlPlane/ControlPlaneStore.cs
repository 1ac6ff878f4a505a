using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Vigil.Storage.ControlPlane;

/// <summary>
/// The control-plane database, <c>&lt;dataDir&gt;/control.db</c> (docs/formats/controlplane.md):
/// small, relational, rarely written state — alarms, log groups, rules, dashboards — that is
/// not worth a custom format. SQLite in WAL mode with synchronous=FULL, so a committed
/// transaction survives power loss. Thread-safe: every caller takes its own connection from
/// <see cref="OpenConnection"/> (pooled by Microsoft.Data.Sqlite) and disposes it.
/// </summary>
public sealed class ControlPlaneStore : IDisposable
{
    public const string FileName = "control.db";

    private readonly string _connectionString;

    private ControlPlaneStore(string path)
    {
        DatabasePath = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,

            // Writers queue behind each other for up to 5 s instead of failing with SQLITE_BUSY.
            DefaultTimeout = 5,
        }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>Migrations this open applied, in order (empty when the schema was current).</summary>
    public IReadOnlyList<(string Area, int Version)> AppliedOnOpen { get; private set; } = [];

    /// <summary>
    /// Opens (creating if needed) <c>control.db</c> in <paramref name="dataDirectory"/>,
    /// switches it to WAL mode, and applies every migration in <paramref name="migrations"/>
    /// not yet recorded in <c>schema_migrations</c>, in the order given, each in its own
    /// transaction. A failing migration is rolled back and surfaces as
    /// <see cref="MigrationFailedException"/>; the ones before it stay applied.
    /// </summary>
    public static ControlPlaneStore Open(string dataDirectory, IEnumerable<Migration> migrations, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(migrations);
        var ordered = MigrationRunner.Validate(migrations);
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var store = new ControlPlaneStore(path);
        try
        {
            using var connection = store.OpenConnection();

            // journal_mode is stored in the file, so this only changes something on first open.
            var mode = Scalar(connection, "PRAGMA journal_mode=WAL;");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"'{path}' refused WAL journal mode (got '{mode}').");
            }

            store.AppliedOnOpen = MigrationRunner.Apply(connection, ordered, timeProvider ?? TimeProvider.System);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A new open connection with this database's settings (foreign keys on,
    /// synchronous=FULL, 5 s busy timeout). The caller owns it and must dispose it; it is not
    /// thread-safe.
    /// </summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();

            // Per connection, not stored in the file. FULL syncs the WAL at every commit; NORMAL
            // (the WAL-mode default) may lose the last commits on power loss.
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=FULL;";
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Closes pooled connections so the file handles go (tests delete the directory; shutdown checkpoints the WAL).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    internal static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
