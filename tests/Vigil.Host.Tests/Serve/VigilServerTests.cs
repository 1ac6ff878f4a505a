using Vigil.Audit.Engine;
using Vigil.Host.Serve;
using Vigil.Host.Settings;
using Vigil.Host.Tests.TestSupport;

namespace Vigil.Host.Tests.Serve;

public sealed class VigilServerTests
{
    [Fact]
    public async Task Serves_health_and_identity_and_keeps_accounts_apart()
    {
        using var dir = new TempDir();
        var settings = new VigilSettings { Port = 0, DataDir = dir.File("data"), Credentials = Credentials.Write(dir) };
        var output = new StringWriter();
        await using (var server = await VigilServer.StartAsync(settings, output))
        {
            output.ToString().ShouldContain("listening on http://127.0.0.1:");
            using var http = new HttpClient();
            var health = await http.GetStringAsync(server.Endpoint + "/_vigil/health");
            health.ShouldBe($$"""{"status":"ok","version":"{{VigilServer.Version}}"}""");

            using var alice = new SignedClient(server.Endpoint, Credentials.AliceKey, Credentials.AliceSecret);
            using var bob = new SignedClient(server.Endpoint, Credentials.BobKey, Credentials.BobSecret);
            (await alice.GetCallerIdentityAsync()).Body.ShouldContain("<Arn>arn:aws:iam::111111111111:user/alice</Arn>");
            (await bob.GetCallerIdentityAsync()).Body.ShouldContain("<Arn>arn:aws:iam::222222222222:user/bob</Arn>");
            ServerInfo.Get(server.ControlPlane, "created_version").ShouldBe(VigilServer.Version);
        }

        // Graceful stop flushed the audit log: both calls are there, attributed to their accounts.
        await using var audit = AuditLog.Open(settings.DataDir);
        var events = audit.ReadAll().Select(r => r.Decode()).ToList();
        events.Select(e => e.AccountId).ShouldBe(["111111111111", "222222222222"]);
        events.ShouldAllBe(e => e.EventSource == "sts.amazonaws.com" && e.ReadOnly && e.SourceIpAddress == "127.0.0.1");
    }

    [Fact]
    public async Task Binds_loopback_only_by_default()
    {
        using var dir = new TempDir();
        var settings = new VigilSettings { Port = 0, DataDir = dir.File("data"), Credentials = Credentials.Write(dir) };
        await using var server = await VigilServer.StartAsync(settings, TextWriter.Null);
        var listeners = System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners();
        var ours = listeners.Where(l => l.Port == server.Port).ToList();
        ours.ShouldNotBeEmpty();
        ours.ShouldAllBe(l => System.Net.IPAddress.IsLoopback(l.Address));
    }
}
