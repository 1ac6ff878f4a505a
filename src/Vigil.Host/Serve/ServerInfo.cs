using System.Globalization;
using Vigil.Storage.ControlPlane;

namespace Vigil.Host.Serve;

/// <summary>
/// The server's own rows in the control plane: which version created the data directory and when, and which
/// version last opened it — what an upgrade or a support question needs first.
/// </summary>
internal static class ServerInfo
{
    public static readonly Migration[] Migrations =
    [
        new(1, "server", "CREATE TABLE server_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);"),
    ];

    public static void RecordStart(ControlPlaneStore store, string version, DateTimeOffset now)
    {
        using var connection = store.OpenConnection();
        using var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            INSERT OR IGNORE INTO server_info (key, value) VALUES ('created_version', $version), ('created_at', $now);
            INSERT OR REPLACE INTO server_info (key, value) VALUES ('last_started_version', $version), ('last_started_at', $now);
            """;
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$now", now.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
        tx.Commit();
    }

    public static string? Get(ControlPlaneStore store, string key)
    {
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM server_info WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }
}
