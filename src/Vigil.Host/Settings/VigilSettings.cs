using System.Globalization;
using System.Text.Json;

namespace Vigil.Host.Settings;

/// <summary>
/// Server settings. Each comes from, in rising precedence: the default, vigil.json, a VIGIL_* environment
/// variable, a command-line flag.
/// </summary>
public sealed class VigilSettings
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 4566;
    public string DataDir { get; set; } = "./vigil-data";
    public string Region { get; set; } = "us-east-1";
    public string? Credentials { get; set; }
    public bool NoAuth { get; set; }

    /// <summary>Fsync on every group commit (default). Off only for throwaway benchmarks that say so.</summary>
    public bool Fsync { get; set; } = true;

    /// <summary>
    /// Seal the audit trail's unsealed events into a block at least this often (default 5 minutes; 64 MiB of events
    /// also triggers a seal). Shorter keeps the WAL and the restart replay smaller at the cost of more, smaller blocks.
    /// </summary>
    public TimeSpan AuditSealInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Memory for decoded log chunks that queries reuse (default: a quarter of the memory the process may use).</summary>
    public long LogCacheBytes { get; set; } = Vigil.Logs.Engine.LogStoreOptions.DefaultChunkCacheBytes();

    public string Endpoint => EndpointFor(Port);

    /// <summary>The URL clients use for this host and <paramref name="port"/> (IPv6 hosts bracketed).</summary>
    public string EndpointFor(int port) => $"http://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{port}";

    /// <summary>Reads vigil.json (when present) and VIGIL_* variables over the defaults.</summary>
    public static VigilSettings Load(string? configFile, Func<string, string?> environment)
    {
        var settings = new VigilSettings();
        var path = configFile ?? environment("VIGIL_CONFIG") ?? "vigil.json";
        if (File.Exists(path))
        {
            settings.ApplyJson(File.ReadAllText(path), path);
        }
        else if (configFile is not null)
        {
            throw new FileNotFoundException($"Config file {configFile} does not exist.", configFile);
        }
        settings.ApplyEnvironment(environment);
        return settings;
    }

    private void ApplyJson(string json, string source)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name.ToLowerInvariant())
            {
                case "host": Host = v.GetString()!; break;
                case "port": Port = v.GetInt32(); break;
                case "datadir" or "data_dir" or "data-dir": DataDir = v.GetString()!; break;
                case "region": Region = v.GetString()!; break;
                case "credentials": Credentials = v.GetString(); break;
                case "noauth" or "no_auth" or "no-auth": NoAuth = v.GetBoolean(); break;
                case "fsync": Fsync = v.GetBoolean(); break;
                case "auditsealseconds" or "audit_seal_seconds" or "audit-seal-seconds": AuditSealInterval = TimeSpan.FromSeconds(v.GetDouble()); break;
                case "logcachemb" or "log_cache_mb" or "log-cache-mb": LogCacheBytes = Megabytes(v.GetDouble()); break;
                default: throw new FormatException($"{source}: unknown setting '{p.Name}'.");
            }
        }
    }

    private void ApplyEnvironment(Func<string, string?> env)
    {
        if (env("VIGIL_HOST") is { Length: > 0 } host)
        {
            Host = host;
        }
        if (env("VIGIL_PORT") is { Length: > 0 } port)
        {
            Port = int.Parse(port, CultureInfo.InvariantCulture);
        }
        if (env("VIGIL_DATA_DIR") is { Length: > 0 } dir)
        {
            DataDir = dir;
        }
        if (env("VIGIL_REGION") is { Length: > 0 } region)
        {
            Region = region;
        }
        if (env("VIGIL_CREDENTIALS") is { Length: > 0 } creds)
        {
            Credentials = creds;
        }
        if (env("VIGIL_NO_AUTH") is { Length: > 0 } noAuth)
        {
            NoAuth = ParseBool(noAuth);
        }
        if (env("VIGIL_FSYNC") is { Length: > 0 } fsync)
        {
            Fsync = ParseBool(fsync);
        }
        if (env("VIGIL_LOG_CACHE_MB") is { Length: > 0 } cache)
        {
            LogCacheBytes = Megabytes(double.Parse(cache, CultureInfo.InvariantCulture));
        }
        if (env("VIGIL_AUDIT_SEAL_SECONDS") is { Length: > 0 } seal)
        {
            AuditSealInterval = TimeSpan.FromSeconds(double.Parse(seal, CultureInfo.InvariantCulture));
        }
    }

    private static long Megabytes(double mb) => (long)(mb * 1024 * 1024);

    private static bool ParseBool(string s) =>
        s is "1" || string.Equals(s, "true", StringComparison.OrdinalIgnoreCase) || string.Equals(s, "yes", StringComparison.OrdinalIgnoreCase);

    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Port {Port} is out of range.");
        }
        if (string.IsNullOrWhiteSpace(Region))
        {
            throw new ArgumentException("Region must not be empty.");
        }
        if (LogCacheBytes < 0)
        {
            throw new ArgumentException("The log cache size must not be negative.");
        }
        if (AuditSealInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The audit seal interval must be positive, not {AuditSealInterval.TotalSeconds} s.");
        }
    }
}
