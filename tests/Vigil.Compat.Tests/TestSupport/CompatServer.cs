using Vigil.Host.Serve;
using Vigil.Host.Settings;

namespace Vigil.Compat.Tests.TestSupport;

/// <summary>
/// One Vigil server for the whole compatibility suite (STYLE.md §18): started in-process on a free port, with a
/// temporary data directory and a credentials file holding two users in two accounts. Clients run as child
/// processes against <see cref="Endpoint"/>, with empty AWS config and credentials files of their own.
/// </summary>
public sealed class CompatServer : IAsyncLifetime
{
    public const string Region = "us-east-1";

    public static readonly TestIdentity Alice =
        new("alice", "AKIAALICE00000000001", "aliceSecretKey/0123456789+aliceSecretKey0", "111111111111");

    public static readonly TestIdentity Bob =
        new("bob", "AKIABOB0000000000002", "bobSecretKey/0123456789+bobSecretKey0000", "222222222222");

    /// <summary>A well-formed access key that is in no credentials file.</summary>
    public static readonly TestIdentity Stranger =
        new("nobody", "AKIAUNKNOWN000000003", "strangerSecretKey/0123456789+stranger000", "333333333333");

    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(120);
    private readonly StringWriter _serverOutput = new();
    private VigilServer? _server;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"vigil-compat-{Guid.NewGuid():N}");

    public VigilServer Server => _server ?? throw new InvalidOperationException("The server has not started.");
    public string Endpoint => Server.Endpoint;

    /// <summary>What the server printed at start (listen address, credentials source).</summary>
    public string ServerOutput
    {
        get
        {
            lock (_serverOutput)
            {
                return _serverOutput.ToString();
            }
        }
    }

    private string AwsConfigFile => Path.Combine(Root, "aws-config");
    private string AwsCredentialsFile => Path.Combine(Root, "aws-credentials");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        // Empty on purpose: the clients read only what each run puts in the environment.
        await File.WriteAllTextAsync(AwsConfigFile, "");
        await File.WriteAllTextAsync(AwsCredentialsFile, "");
        var credentials = Path.Combine(Root, "vigil-credentials.ini");
        await File.WriteAllTextAsync(credentials, string.Concat(new[] { Alice, Bob }.Select(u => $"""
            [{u.UserName}]
            aws_access_key_id = {u.AccessKeyId}
            aws_secret_access_key = {u.SecretAccessKey}
            account_id = {u.AccountId}
            user = {u.UserName}


            """)));
        var settings = new VigilSettings
        {
            Port = 0,
            DataDir = Path.Combine(Root, "data"),
            Region = Region,
            Credentials = credentials,
        };
        _server = await VigilServer.StartAsync(settings, TextWriter.Synchronized(_serverOutput));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _serverOutput.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is not worth failing the run for.
        }
    }

    /// <summary>The environment a client runs with: this identity's keys, this server, and nothing of the machine's AWS setup.</summary>
    public Dictionary<string, string> ClientEnvironment(TestIdentity identity) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = identity.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = identity.SecretAccessKey,
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_REGION"] = Region,
        ["AWS_MAX_ATTEMPTS"] = "1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_CONFIG_FILE"] = AwsConfigFile,
        ["AWS_SHARED_CREDENTIALS_FILE"] = AwsCredentialsFile,
        ["AWS_PAGER"] = "",
        ["PAGER"] = "",
        ["VIGIL_ENDPOINT"] = Endpoint,
        ["PYTHONDONTWRITEBYTECODE"] = "1",
        ["PYTHONIOENCODING"] = "utf-8",
        // The SDK warns on stderr that releases after January 2027 need node 22; it says nothing about these calls.
        ["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true",
    };

    /// <summary>Runs an AWS CLI command (JSON output) against this server as <paramref name="identity"/>; the CLI's
    /// version and what it printed go to the test's <paramref name="output"/>.</summary>
    public async Task<ProcessResult> AwsCliAsync(CompatClient client, ITestOutputHelper output, TestIdentity identity, params string[] command)
    {
        var install = Clients.Get(client);
        var run = await RunAsync(install.RequireProgram(), ["--endpoint-url", Endpoint, "--output", "json", .. command], identity);
        output.WriteLine($"{client}: {install.Version}\n{run}");
        return run;
    }

    /// <summary>Runs a client program as <paramref name="identity"/> and returns what it printed.</summary>
    public Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, TestIdentity identity, string? workingDirectory = null) =>
        ClientProcess.RunAsync(program, arguments, ClientEnvironment(identity), workingDirectory ?? Root, ClientTimeout);
}

[CollectionDefinition(Name)]
public sealed class CompatCollection : ICollectionFixture<CompatServer>
{
    public const string Name = "Vigil server shared by the compatibility suite";
}
