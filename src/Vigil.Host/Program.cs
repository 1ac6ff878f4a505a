using System.CommandLine;
using Vigil.Host.Serve;
using Vigil.Host.Settings;

var host = new Option<string?>("--host") { Description = "Address to listen on (default 127.0.0.1; anything else exposes the server beyond this machine)." };
var port = new Option<int?>("--port") { Description = "Port to listen on (default 4566; 0 picks a free one)." };
var dataDir = new Option<string?>("--data-dir") { Description = "Where data is kept (default ./vigil-data)." };
var region = new Option<string?>("--region") { Description = "Default region (default us-east-1)." };
var credentials = new Option<string?>("--credentials") { Description = "INI credentials file: [user] sections with aws_access_key_id, aws_secret_access_key, account_id, user." };
var noAuth = new Option<bool>("--no-auth") { Description = "Development mode: accept any access key without checking signatures; each key gets its own account." };
var config = new Option<string?>("--config") { Description = "Settings file (default ./vigil.json when present)." };

var serve = new Command("serve", "Run the Vigil server.") { host, port, dataDir, region, credentials, noAuth, config };
serve.SetAction(async (ParseResult r, CancellationToken ct) =>
{
    VigilSettings settings;
    try
    {
        settings = VigilSettings.Load(r.GetValue(config), Environment.GetEnvironmentVariable);
        if (r.GetValue(host) is { } h)
        {
            settings.Host = h;
        }
        if (r.GetValue(port) is { } p)
        {
            settings.Port = p;
        }
        if (r.GetValue(dataDir) is { } d)
        {
            settings.DataDir = d;
        }
        if (r.GetValue(region) is { } g)
        {
            settings.Region = g;
        }
        if (r.GetValue(credentials) is { } c)
        {
            settings.Credentials = c;
        }
        if (r.GetValue(noAuth))
        {
            settings.NoAuth = true;
        }
        settings.Validate();
    }
    catch (Exception e) when (e is FormatException or ArgumentException or IOException or System.Text.Json.JsonException or InvalidOperationException)
    {
        await Console.Error.WriteLineAsync($"vigil: {e.Message}").ConfigureAwait(false);
        return 2;
    }
    return await VigilServer.RunAsync(settings, Console.Out, ct).ConfigureAwait(false);
});

var root = new RootCommand("Vigil: a self-hosted monitoring, tracing and audit server that speaks the AWS APIs.") { serve };
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
