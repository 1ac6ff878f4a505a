namespace Vigil.Compat.Tests.TestSupport;

/// <summary>
/// The real clients the suite drives. Each is found on this machine at test discovery (<see cref="Clients"/>);
/// a test row whose client is absent is reported as skipped, with the reason.
/// </summary>
public enum CompatClient
{
    /// <summary>AWS CLI v1: the first `aws` on PATH that reports aws-cli/1.x (pyenv's awscli 1.45 here). CloudWatch over JSON 1.0.</summary>
    AwsCliV1,

    /// <summary>AWS CLI v2: Debian's /usr/bin/aws (awscli 2.9), else the first aws-cli/2.x on PATH. CloudWatch over awsQuery.</summary>
    AwsCliV2,

    /// <summary>boto3 whose CloudWatch model resolves to JSON 1.0: the first such python3 on PATH (pyenv's boto3 1.43 here).</summary>
    Boto3Json,

    /// <summary>boto3 whose CloudWatch model is awsQuery: Debian's /usr/bin/python3 with python3-boto3 1.26.</summary>
    Boto3Query,

    /// <summary>The AWS SDK for JavaScript v3, pinned in tests/compat-js/package.json, run by `node`.</summary>
    JsSdkV3,
}
