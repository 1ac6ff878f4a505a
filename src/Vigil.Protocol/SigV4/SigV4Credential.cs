namespace Vigil.Protocol.SigV4;

/// <summary>
/// The credential scope of a request: <c>AKID/yyyyMMdd/region/service/aws4_request</c>.
/// The scope's service is the one to route by whatever the protocol (protocol-notes §2.6).
/// </summary>
public readonly record struct SigV4Credential(string AccessKeyId, DateOnly Date, string Region, string Service);
