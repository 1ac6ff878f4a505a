using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Audit.Engine;
using Vigil.Host.Settings;
using Vigil.Identity.Api;
using Vigil.Identity.Credentials;
using Vigil.Logs.LiveTail;
using Vigil.Logs.Api;
using Vigil.Logs.Engine;
using Vigil.Metrics.Api;
using Vigil.Metrics.Engine;
using Vigil.Protocol.Gateway;
using Vigil.Storage.ControlPlane;
using Vigil.Storage.IO;

namespace Vigil.Host.Serve;

/// <summary>
/// The composition root: opens storage, loads credentials, registers every service's handlers and serves the
/// gateway on one port. <see cref="StartAsync"/> is what tests use; <see cref="RunAsync"/> is `vigil serve`.
/// </summary>
public sealed class VigilServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AuditLog _audit;
    private int _disposed;

    private VigilServer(WebApplication app, AuditLog audit, MetricStore metrics, LogStore logs, LiveTailHub liveTail, ControlPlaneStore controlPlane, VigilSettings settings)
    {
        _app = app;
        _audit = audit;
        Metrics = metrics;
        LiveTail = liveTail;
        Logs = logs;
        ControlPlane = controlPlane;
        Settings = settings;
    }

    /// <summary>The SQLite control plane every service keeps its definitions in.</summary>
    public ControlPlaneStore ControlPlane { get; }

    /// <summary>The metric engine behind the CloudWatch metric APIs.</summary>
    public MetricStore Metrics { get; }

    /// <summary>Live Tail sessions; the log engine publishes every durable append here.</summary>
    public LiveTailHub LiveTail { get; }
    /// <summary>The log engine behind the CloudWatch Logs APIs.</summary>
    public LogStore Logs { get; }

    public VigilSettings Settings { get; }
    public int Port { get; private set; }
    public string Endpoint => Settings.EndpointFor(Port);

    public static string Version { get; } =
        typeof(VigilServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<VigilServer> StartAsync(VigilSettings settings, TextWriter output, CancellationToken ct = default)
    {
        Directory.CreateDirectory(settings.DataDir);
        var creds = CredentialBootstrap.Load(settings.Credentials, settings.DataDir);
        var store = new CredentialStore(creds.Entries, settings.NoAuth);
        var controlPlane = ControlPlaneStore.Open(settings.DataDir, ServerInfo.Migrations);
        ServerInfo.RecordStart(controlPlane, Version, TimeProvider.System.GetUtcNow());
        var audit = AuditLog.Open(new AuditLogOptions
        {
            Directory = Path.Combine(settings.DataDir, "audit"),
            Sync = settings.Fsync ? SyncMode.Fsync : SyncMode.None,
            SealInterval = settings.AuditSealInterval,
        });
        if (audit.Recovery.Truncated)
        {
            await output.WriteLineAsync($"vigil: audit log recovered after {audit.Recovery.Damage}; {audit.Recovery.BytesDropped} bytes cut off.").ConfigureAwait(false);
        }

        var metrics = MetricStore.Open(new MetricStoreOptions
        {
            Directory = Path.Combine(settings.DataDir, "metrics"),
            Sync = settings.Fsync ? SyncMode.Fsync : SyncMode.None,
        });
        var logs = LogStore.Open(new LogStoreOptions
        {
            Directory = Path.Combine(settings.DataDir, "logs"),
            Sync = settings.Fsync ? SyncMode.Fsync : SyncMode.None,
            ChunkCacheBytes = settings.LogCacheBytes,
        });

        var handlers = new OperationHandlers();
        GetCallerIdentity.Register(handlers);
        MetricsApi.Register(handlers, metrics);
        var liveTail = new LiveTailHub();
        LogsApi.Register(handlers, logs, liveTail);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Hosting starts an Activity and a logging scope for every request whenever its logger is enabled at any
        // level; it only ever logs request start and finish (Information), so switching it off costs nothing.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null; // the gateway enforces its own limit and answers in the AWS envelope
            if (string.Equals(settings.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                k.ListenLocalhost(settings.Port);
            }
            else
            {
                k.Listen(IPAddress.Parse(settings.Host), settings.Port);
            }
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(ServiceCatalog.All);
        builder.Services.AddSingleton(handlers);
        builder.Services.AddSingleton<ICredentialResolver>(store);
        builder.Services.AddSingleton(new GatewayOptions { DefaultRegion = settings.Region });
        builder.Services.AddSingleton<IServedCallSink>(new AuditSink(audit));
        builder.Services.AddSingleton<RequestAuthenticator>();
        builder.Services.AddSingleton<GatewayPipeline>();

        var app = builder.Build();
        var pipeline = app.Services.GetRequiredService<GatewayPipeline>();
        var health = System.Text.Encoding.UTF8.GetBytes($$"""{"status":"ok","version":"{{Version}}"}""");
        app.Run(ctx =>
        {
            if (ctx.Request.Path.StartsWithSegments("/_vigil/health", StringComparison.Ordinal))
            {
                ctx.Response.ContentType = "application/json";
                return ctx.Response.Body.WriteAsync(health).AsTask();
            }
            return pipeline.HandleAsync(ctx);
        });

        var server = new VigilServer(app, audit, metrics, logs, liveTail, controlPlane, settings);
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;

        await output.WriteLineAsync($"vigil {Version} listening on {server.Endpoint} (data in {Path.GetFullPath(settings.DataDir)}, region {settings.Region})").ConfigureAwait(false);
        if (settings.NoAuth)
        {
            await output.WriteLineAsync("vigil: --no-auth: any access key is accepted and signatures are not checked; each key gets its own account.").ConfigureAwait(false);
        }
        else if (creds.Generated)
        {
            await output.WriteLineAsync(CredentialBootstrap.UsageText(creds.Entries[0], server.Endpoint, settings.Region)).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"vigil: {creds.Entries.Count} access key(s) from {creds.Source}").ConfigureAwait(false);
        }
        return server;
    }

    /// <summary>Serves until Ctrl+C / SIGTERM (or <paramref name="ct"/>), then shuts down gracefully.</summary>
    public static async Task<int> RunAsync(VigilSettings settings, TextWriter output, CancellationToken ct)
    {
        var server = await StartAsync(settings, output, ct).ConfigureAwait(false);
        try
        {
            await server._app.WaitForShutdownAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
        await output.WriteLineAsync("vigil: stopped; logs flushed and synced.").ConfigureAwait(false);
        return 0;
    }

    /// <summary>Stops accepting requests, lets those in flight finish, then drains and fsyncs the logs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            await _audit.DisposeAsync().ConfigureAwait(false);
            await Metrics.DisposeAsync().ConfigureAwait(false);
            await Logs.DisposeAsync().ConfigureAwait(false);
            ControlPlane.Dispose();
        }
    }
}
