using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vigil.Compat.Tests.TestSupport;

/// <summary>
/// Finds each <see cref="CompatClient"/> once per test run. Nothing is installed here except the JS SDK's
/// node_modules (npm ci from the committed lock file, when node and npm are present); test.sh installs the Debian
/// clients. A client that cannot be found gets a skip reason that says what was looked for and how to get it.
/// </summary>
public static partial class Clients
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);
    private static readonly ConcurrentDictionary<CompatClient, Lazy<ClientInstall>> Found = new();

    public static string ScriptsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Scripts");

    /// <summary>tests/compat-js in the source tree, recorded by the project file at build time.</summary>
    public static string CompatJsDirectory { get; } =
        typeof(Clients).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CompatJsDirectory").Value!;

    public static ClientInstall Get(CompatClient client) =>
        Found.GetOrAdd(client, c => new Lazy<ClientInstall>(() => Find(c))).Value;

    private static ClientInstall Find(CompatClient client)
    {
        try
        {
            return client switch
            {
                CompatClient.AwsCliV1 => FindAwsCli(client, major: 1, preferred: [],
                    "no `aws` on PATH reports aws-cli/1.x (expected: pyenv's awscli 1.45; `pip install awscli` provides one)"),
                CompatClient.AwsCliV2 => FindAwsCli(client, major: 2, preferred: ["/usr/bin/aws"],
                    "neither /usr/bin/aws nor any `aws` on PATH reports aws-cli/2.x (test.sh installs Debian's awscli when run as root)"),
                CompatClient.Boto3Json => FindBoto3(client, "json", preferred: [],
                    "no python3 on PATH has a boto3 whose CloudWatch model resolves to JSON (expected: pyenv's boto3 1.43)"),
                CompatClient.Boto3Query => FindBoto3(client, "query", preferred: ["/usr/bin/python3"],
                    "neither /usr/bin/python3 nor any python3 on PATH has a boto3 that speaks awsQuery to CloudWatch " +
                    "(test.sh installs Debian's python3-boto3 when run as root)"),
                CompatClient.JsSdkV3 => FindJsSdk(),
                _ => throw new ArgumentOutOfRangeException(nameof(client)),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return ClientInstall.Missing(client, $"probing for {client} failed: {e.Message}");
        }
    }

    private static ClientInstall FindAwsCli(CompatClient client, int major, string[] preferred, string notFound)
    {
        var seen = new List<string>();
        foreach (var candidate in preferred.Where(IsExecutable).Concat(OnPath("aws")))
        {
            var probe = ClientProcess.Probe(candidate, ["--version"], Path.GetTempPath(), ProbeTimeout);
            var line = probe is null ? "" : (probe.Stdout + probe.Stderr).Trim();
            seen.Add($"{candidate}: {(line.Length > 0 ? line : "no version output")}");
            var m = AwsCliVersion().Match(line);
            if (probe is { ExitCode: 0 } && m.Success && m.Groups[1].Value == major.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return new ClientInstall(client, candidate, line, null);
            }
        }
        return ClientInstall.Missing(client, notFound + Seen(seen));
    }

    private static ClientInstall FindBoto3(CompatClient client, string cloudWatchProtocol, string[] preferred, string notFound)
    {
        var seen = new List<string>();
        var script = Path.Combine(ScriptsDirectory, "boto3_probe.py");
        foreach (var candidate in preferred.Where(IsExecutable).Concat(OnPath("python3")))
        {
            var probe = ClientProcess.Probe(candidate, [script], Path.GetTempPath(), ProbeTimeout);
            if (probe is not { ExitCode: 0 })
            {
                seen.Add($"{candidate}: probe failed {probe?.Stderr.Trim()}");
                continue;
            }
            using var doc = JsonDocument.Parse(probe.Stdout);
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out var error))
            {
                seen.Add($"{candidate}: {error.GetString()}");
                continue;
            }
            var version = $"boto3 {root.GetProperty("boto3").GetString()} / botocore {root.GetProperty("botocore").GetString()} " +
                          $"(Python {root.GetProperty("python").GetString()}, {root.GetProperty("executable").GetString()})";
            var protocol = root.GetProperty("cloudwatch_protocol").GetString();
            seen.Add($"{candidate}: {version}, CloudWatch over {protocol}");
            if (protocol == cloudWatchProtocol)
            {
                return new ClientInstall(client, candidate, version, null);
            }
        }
        return ClientInstall.Missing(client, notFound + Seen(seen));
    }

    private static ClientInstall FindJsSdk()
    {
        const CompatClient client = CompatClient.JsSdkV3;
        var dir = CompatJsDirectory;
        var node = OnPath("node").FirstOrDefault();
        if (node is null)
        {
            return ClientInstall.Missing(client, "`node` is not on PATH (Node.js 20 or newer runs the AWS SDK for JavaScript v3)");
        }
        if (!File.Exists(Path.Combine(dir, "package-lock.json")))
        {
            return ClientInstall.Missing(client, $"{dir}/package-lock.json is missing");
        }
        if (NodeModulesStale(dir))
        {
            var npm = OnPath("npm").FirstOrDefault();
            if (npm is null)
            {
                return ClientInstall.Missing(client, $"{dir}/node_modules is missing or stale and `npm` is not on PATH to run `npm ci`");
            }
            var ci = ClientProcess.RunAsync(npm, ["ci", "--no-audit", "--no-fund"], new Dictionary<string, string>(), dir, NpmTimeout)
                .GetAwaiter().GetResult();
            if (ci.ExitCode != 0)
            {
                return ClientInstall.Missing(client, $"`npm ci` in {dir} failed (exit {ci.ExitCode}): {ci.Stderr.Trim()}");
            }
        }
        var nodeVersion = ClientProcess.Probe(node, ["--version"], dir, ProbeTimeout)?.Stdout.Trim() ?? "?";
        var packages = new[] { "@aws-sdk/client-sts", "@aws-sdk/client-cloudwatch", "@aws-sdk/client-cloudwatch-logs", "@aws-sdk/core" }
            .Select(p => $"{p}@{InstalledVersion(dir, p)}");
        return new ClientInstall(client, node, $"{string.Join(", ", packages)} (node {nodeVersion})", null, dir);
    }

    /// <summary>
    /// npm keeps a copy of the lock file it installed from in node_modules/.package-lock.json; older than
    /// package.json or package-lock.json means the pins changed since (test.sh makes the same check).
    /// </summary>
    private static bool NodeModulesStale(string dir)
    {
        var installed = Path.Combine(dir, "node_modules", ".package-lock.json");
        return !File.Exists(installed) || new[] { "package.json", "package-lock.json" }
            .Any(f => File.GetLastWriteTimeUtc(Path.Combine(dir, f)) > File.GetLastWriteTimeUtc(installed));
    }

    private static string InstalledVersion(string dir, string package)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "node_modules", package, "package.json")));
        return doc.RootElement.GetProperty("version").GetString() ?? "?";
    }

    private static IEnumerable<string> OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(RealDirectory(d), name))
            .Where(IsExecutable)
            .Distinct(StringComparer.Ordinal);

    /// <summary>/bin is a link to /usr/bin on merged-/usr systems: the same program should be probed once.</summary>
    private static string RealDirectory(string dir)
    {
        var info = new DirectoryInfo(dir);
        return info.Exists && info.LinkTarget is not null ? info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir : dir;
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() ||
            (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    private static string Seen(List<string> seen) => seen.Count == 0 ? "" : "; found: " + string.Join("; ", seen);

    [GeneratedRegex(@"aws-cli/(\d+)\.")]
    private static partial Regex AwsCliVersion();
}
