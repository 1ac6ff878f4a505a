namespace Vigil.Compat.Tests.TestSupport;

/// <summary>
/// Where a client was found and what it reported about itself; <see cref="SkipReason"/> is set instead when it was not.
/// </summary>
/// <param name="Program">The executable to run (aws, python3 or node).</param>
/// <param name="Version">The client's own version line, e.g. "aws-cli/2.9.19 Python/3.11.2 …" or "boto3 1.43.11 / botocore 1.43.11".</param>
/// <param name="Directory">For the JS SDK, the npm project that holds the script and node_modules.</param>
public sealed record ClientInstall(CompatClient Client, string? Program, string Version, string? SkipReason, string? Directory = null)
{
    public bool Available => SkipReason is null;

    /// <summary>The program, or an exception that says why the row should have been skipped.</summary>
    public string RequireProgram() =>
        Program ?? throw new InvalidOperationException($"{Client} is not available: {SkipReason}");

    public static ClientInstall Missing(CompatClient client, string reason) => new(client, null, "", reason);
}
