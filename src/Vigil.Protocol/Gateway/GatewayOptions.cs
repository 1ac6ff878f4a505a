namespace Vigil.Protocol.Gateway;

public sealed class GatewayOptions
{
    /// <summary>The region of calls that carry no signature (X-Ray sampling) and the default of the server.</summary>
    public string DefaultRegion { get; set; } = "us-east-1";

    /// <summary>Largest body accepted as sent: AWS's own limits are 1 MB (PutMetricData, PutLogEvents) and below.</summary>
    public int MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest body after gunzip; guards against compression bombs.</summary>
    public int MaxDecompressedBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// The X-Ray SDKs call GetSamplingRules and SamplingTargets unsigned (they talk to the daemon). When true,
    /// those two calls are admitted without a signature as <see cref="ICredentialResolver.AnonymousIdentity"/>.
    /// </summary>
    public bool AllowUnsignedXRaySampling { get; set; } = true;
}
