namespace Vigil.Compat.Tests.TestSupport;

/// <summary>An access key pair a client signs with, and who the server should say it belongs to.</summary>
public sealed record TestIdentity(string UserName, string AccessKeyId, string SecretAccessKey, string AccountId)
{
    public string Arn => $"arn:aws:iam::{AccountId}:user/{UserName}";

    /// <summary>The same access key with a secret the server does not hold: the signature cannot match.</summary>
    public TestIdentity WithWrongSecret() => this with { SecretAccessKey = "wrongSecretKey/wrongSecretKey+wrongSecretKey0" };

    public override string ToString() => $"{UserName} ({AccessKeyId})";
}
