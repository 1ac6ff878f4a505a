using System.Reflection;
using Xunit.Sdk;

namespace Vigil.Compat.Tests.TestSupport;

/// <summary>
/// One theory row per client: the row's first argument is the client, followed by <see cref="Arguments"/>.
/// When the client is not installed the row is reported as skipped, with the reason from <see cref="Clients"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ClientDataAttribute : DataAttribute
{
    public ClientDataAttribute(CompatClient client, params object[] arguments)
    {
        Client = client;
        Arguments = arguments;
        Skip = Clients.Get(client).SkipReason!;
    }

    public CompatClient Client { get; }
    public object[] Arguments { get; }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[Client, .. Arguments]];
}

/// <summary>A fact that needs one client; skipped, with the reason, when that client is not installed.</summary>
public sealed class ClientFactAttribute : FactAttribute
{
    public ClientFactAttribute(CompatClient client)
    {
        Client = client;
        Skip = Clients.Get(client).SkipReason!;
    }

    public CompatClient Client { get; }
}
