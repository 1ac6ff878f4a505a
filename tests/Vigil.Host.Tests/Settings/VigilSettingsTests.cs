using Vigil.Host.Settings;
using Vigil.Host.Tests.TestSupport;

namespace Vigil.Host.Tests.Settings;

public sealed class VigilSettingsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Defaults_listen_on_loopback_4566_with_data_in_vigil_data()
    {
        var s = VigilSettings.Load(configFile: null, NoEnvironment);
        s.Host.ShouldBe("127.0.0.1");
        s.Port.ShouldBe(4566);
        s.DataDir.ShouldBe("./vigil-data");
        s.Region.ShouldBe("us-east-1");
        s.NoAuth.ShouldBeFalse();
        s.Endpoint.ShouldBe("http://127.0.0.1:4566");
    }

    [Fact]
    public void Environment_overrides_the_json_file()
    {
        using var dir = new TempDir();
        var json = dir.File("vigil.json");
        File.WriteAllText(json, """{ "port": 5000, "dataDir": "/srv/vigil", "region": "eu-west-1", "noAuth": true }""");
        var env = new Dictionary<string, string> { ["VIGIL_PORT"] = "6000", ["VIGIL_REGION"] = "ap-south-1" };
        var s = VigilSettings.Load(json, k => env.GetValueOrDefault(k));
        s.Port.ShouldBe(6000);
        s.Region.ShouldBe("ap-south-1");
        s.DataDir.ShouldBe("/srv/vigil");
        s.NoAuth.ShouldBeTrue();
    }

    [Fact]
    public void The_log_cache_size_comes_in_megabytes_from_the_file_or_the_environment()
    {
        using var dir = new TempDir();
        var json = dir.File("vigil.json");
        File.WriteAllText(json, """{ "logCacheMb": 512 }""");
        VigilSettings.Load(json, NoEnvironment).LogCacheBytes.ShouldBe(512L * 1024 * 1024);
        var env = new Dictionary<string, string> { ["VIGIL_LOG_CACHE_MB"] = "64" };
        VigilSettings.Load(json, k => env.GetValueOrDefault(k)).LogCacheBytes.ShouldBe(64L * 1024 * 1024);
        VigilSettings.Load(configFile: null, NoEnvironment).LogCacheBytes.ShouldBeGreaterThanOrEqualTo(256L * 1024 * 1024);
    }

    [Fact]
    public void Unknown_settings_and_missing_config_files_are_errors()
    {
        using var dir = new TempDir();
        var json = dir.File("vigil.json");
        File.WriteAllText(json, """{ "prot": 5000 }""");
        Should.Throw<FormatException>(() => VigilSettings.Load(json, NoEnvironment)).Message.ShouldContain("prot");
        Should.Throw<FileNotFoundException>(() => VigilSettings.Load(dir.File("absent.json"), NoEnvironment));
    }

    [Fact]
    public void IPv6_hosts_are_bracketed_in_the_endpoint()
    {
        var s = new VigilSettings { Host = "::1", Port = 4566 };
        s.Endpoint.ShouldBe("http://[::1]:4566");
    }
}
