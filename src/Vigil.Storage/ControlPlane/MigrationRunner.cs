using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Vigil.Storage.ControlPlane;

/// <summary>Applies <see cref="Migration"/>s; runs on the thread that opens the store, before anyone else uses it.</summary>
internal static class MigrationRunner
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            area       TEXT    NOT NULL,
            version    INTEGER NOT NULL,
            applied_at TEXT    NOT NULL,
            PRIMARY KEY (area, version)
        ) STRICT;
        """;

    /// <summary>Checks the registrations before touching the database: input is validated before state changes.</summary>
    public static List<Migration> Validate(IEnumerable<Migration> migrations)
    {
        var list = new List<Migration>();
        var lastByArea = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var migration in migrations)
        {
            ArgumentNullException.ThrowIfNull(migration, nameof(migrations));
            ArgumentException.ThrowIfNullOrWhiteSpace(migration.Area, nameof(migrations));
            ArgumentException.ThrowIfNullOrWhiteSpace(migration.Sql, nameof(migrations));
            if (migration.Version < 1)
            {
                throw new ArgumentException($"Migration {migration.Area} v{migration.Version}: versions start at 1.", nameof(migrations));
            }

            if (lastByArea.TryGetValue(migration.Area, out var last) && migration.Version <= last)
            {
                throw new ArgumentException(
                    $"Migration {migration.Area} v{migration.Version} is registered after v{last}; an area's versions must increase.",
                    nameof(migrations));
            }

            lastByArea[migration.Area] = migration.Version;
            list.Add(migration);
        }

        return list;
    }

    public static List<(string Area, int Version)> Apply(SqliteConnection connection, List<Migration> migrations, TimeProvider time)
    {
        Execute(connection, null, CreateTable);
        var appliedNow = new List<(string Area, int Version)>();
        foreach (var migration in migrations)
        {
            // IMMEDIATE takes the write lock first, so two processes opening at once cannot
            // both decide a migration is missing; the check is repeated inside the lock.
            using var transaction = connection.BeginTransaction(deferred: false);
            if (IsApplied(connection, transaction, migration))
            {
                continue;
            }

            try
            {
                Execute(connection, transaction, migration.Sql);
                Record(connection, transaction, migration, time);
                transaction.Commit();
            }
            catch (SqliteException error)
            {
                transaction.Rollback();
                throw new MigrationFailedException(migration.Area, migration.Version, error);
            }

            appliedNow.Add((migration.Area, migration.Version));
        }

        return appliedNow;
    }

    private static bool IsApplied(SqliteConnection connection, SqliteTransaction transaction, Migration migration)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE area = $area AND version = $version;";
        command.Parameters.AddWithValue("$area", migration.Area);
        command.Parameters.AddWithValue("$version", migration.Version);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static void Record(SqliteConnection connection, SqliteTransaction transaction, Migration migration, TimeProvider time)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO schema_migrations (area, version, applied_at) VALUES ($area, $version, $at);";
        command.Parameters.AddWithValue("$area", migration.Area);
        command.Parameters.AddWithValue("$version", migration.Version);
        command.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Migration SQL is compiled into the areas, never user input.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }
}
