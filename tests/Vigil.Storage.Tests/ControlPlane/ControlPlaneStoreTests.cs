using Microsoft.Data.Sqlite;
using Vigil.Storage.ControlPlane;

namespace Vigil.Storage.Tests.ControlPlane;

public sealed class ControlPlaneStoreTests
{
    private static readonly Migration[] Alarms =
    [
        new(1, "alarms", "CREATE TABLE alarms (name TEXT PRIMARY KEY, state TEXT NOT NULL);"),
        new(2, "alarms", "ALTER TABLE alarms ADD COLUMN reason TEXT; CREATE INDEX alarms_state ON alarms(state);"),
    ];

    private static readonly Migration[] Logs =
    [
        new(1, "logs", "CREATE TABLE log_groups (name TEXT PRIMARY KEY, retention_days INTEGER);"),
    ];

    [Fact]
    public void Migrations_apply_once_in_order_and_reopening_runs_only_new_ones()
    {
        using var temp = new TempDirectory();
        var clock = new FixedClock(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using (var store = ControlPlaneStore.Open(temp.Path, [.. Alarms, .. Logs], clock))
        {
            store.AppliedOnOpen.ShouldBe([("alarms", 1), ("alarms", 2), ("logs", 1)]);
            using var connection = store.OpenConnection();
            Rows(connection, "SELECT area || ':' || version || '@' || applied_at FROM schema_migrations ORDER BY rowid")
                .ShouldBe(["alarms:1@2025-03-01T12:00:00.0000000+00:00", "alarms:2@2025-03-01T12:00:00.0000000+00:00", "logs:1@2025-03-01T12:00:00.0000000+00:00"]);
            Execute(connection, "INSERT INTO alarms (name, state, reason) VALUES ('cpu', 'OK', 'init');");
        }

        using (var store = ControlPlaneStore.Open(temp.Path, [.. Alarms, .. Logs]))
        {
            store.AppliedOnOpen.ShouldBeEmpty();
        }

        Migration[] withNew = [.. Alarms, new(3, "alarms", "ALTER TABLE alarms ADD COLUMN updated_at TEXT;"), .. Logs];
        using (var store = ControlPlaneStore.Open(temp.Path, withNew))
        {
            store.AppliedOnOpen.ShouldBe([("alarms", 3)]);
            using var connection = store.OpenConnection();
            Rows(connection, "SELECT name || ',' || reason || ',' || coalesce(updated_at, '-') FROM alarms").ShouldBe(["cpu,init,-"]);
        }
    }

    [Fact]
    public void Connections_use_wal_journal_full_sync_and_foreign_keys()
    {
        using var temp = new TempDirectory();
        using var store = ControlPlaneStore.Open(temp.Path, []);
        store.DatabasePath.ShouldBe(temp.Combine("control.db"));
        using var connection = store.OpenConnection();
        Rows(connection, "PRAGMA journal_mode;").ShouldBe(["wal"]);
        Rows(connection, "PRAGMA synchronous;").ShouldBe(["2"]); // FULL
        Rows(connection, "PRAGMA foreign_keys;").ShouldBe(["1"]);
    }

    [Fact]
    public void A_failing_migration_rolls_back_and_names_itself()
    {
        using var temp = new TempDirectory();
        Migration[] broken =
        [
            .. Logs,
            new(1, "alarms", "CREATE TABLE alarms (name TEXT PRIMARY KEY);"),

            // The first statement succeeds; the second fails; neither may stick.
            new(2, "alarms", "CREATE TABLE alarm_history (id INTEGER); INSERT INTO no_such_table VALUES (1);"),
            new(3, "alarms", "CREATE TABLE never_reached (id INTEGER);"),
        ];

        var error = Should.Throw<MigrationFailedException>(() => ControlPlaneStore.Open(temp.Path, broken));
        error.Area.ShouldBe("alarms");
        error.Version.ShouldBe(2);
        error.InnerException.ShouldBeOfType<SqliteException>();

        Migration[] fixedUp = [.. broken[..2], new(2, "alarms", "CREATE TABLE alarm_history (id INTEGER);"), broken[3]];
        using var store = ControlPlaneStore.Open(temp.Path, fixedUp);
        store.AppliedOnOpen.ShouldBe([("alarms", 2), ("alarms", 3)]); // logs 1 and alarms 1 had stuck
        using var connection = store.OpenConnection();
        Rows(connection, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'alarm%' ORDER BY name")
            .ShouldBe(["alarm_history", "alarms"]);
    }

    [Fact]
    public void Registrations_are_checked_before_the_database_is_touched()
    {
        using var temp = new TempDirectory();
        var dataDir = temp.Combine("data");
        Should.Throw<ArgumentException>(() => ControlPlaneStore.Open(dataDir, [Alarms[1], Alarms[0]]));
        Should.Throw<ArgumentException>(() => ControlPlaneStore.Open(dataDir, [Alarms[0], Alarms[0]]));
        Should.Throw<ArgumentException>(() => ControlPlaneStore.Open(dataDir, [new Migration(0, "x", "SELECT 1;")]));
        Should.Throw<ArgumentException>(() => ControlPlaneStore.Open(dataDir, [new Migration(1, "", "SELECT 1;")]));
        Directory.Exists(dataDir).ShouldBeFalse();
    }

    private static List<string> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return rows;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
