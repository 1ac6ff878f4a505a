using Vigil.Protocol.SigV4;

using Vigil.Protocol.Tests.TestSupport;

namespace Vigil.Protocol.Tests.SigV4;

/// <summary>
/// Every signed request that real clients sent (captures, protocol-notes §9) verifies with the
/// secret "secret", and each single change to one fails with the right kind.
/// </summary>
public sealed class SigV4CaptureTests
{
    private const string AccessKeyId = "AKIAEXAMPLE";
    private const string Secret = "secret";

    private static readonly SigV4Verifier Verifier = new(new DictionarySecretStore((AccessKeyId, Secret)));

    [Fact]
    public void All_signed_captures_are_found()
    {
        // 154 signed requests per protocol-notes §7; the X-Ray sampling calls are unsigned.
        CapturedRequest.Signed().Count.ShouldBe(154);
    }

    [Theory]
    [MemberData(nameof(CapturedRequest.Signed), MemberType = typeof(CapturedRequest))]
    public void Captured_request_verifies(string file, int line)
    {
        CapturedRequest capture = CapturedRequest.Load(file, line);
        SigV4Result result = Verifier.Verify(capture.Request, capture.SignedAt);

        result.Failure.ShouldBe(SigV4FailureKind.None, result.Message);
        result.Succeeded.ShouldBeTrue();
        result.Message.ShouldBeNull();
        result.Credential.AccessKeyId.ShouldBe(AccessKeyId);
        result.Credential.Region.ShouldBe("us-east-1");
        result.Credential.Service.ShouldBeOneOf("monitoring", "logs", "events", "xray", "cloudtrail", "sns", "config");
        result.Credential.Date.ShouldBe(DateOnly.FromDateTime(capture.SignedAt.UtcDateTime));
        result.RequestTime.ShouldBe(capture.SignedAt);
        result.IsPresigned.ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(CapturedRequest.Signed), MemberType = typeof(CapturedRequest))]
    public void Single_mutations_fail_with_the_right_kind(string file, int line)
    {
        CapturedRequest capture = CapturedRequest.Load(file, line);
        TestRequest request = capture.Request;
        DateTimeOffset now = capture.SignedAt;

        if (request.Body.Length > 0)
        {
            byte[] body = (byte[])request.Body.Clone();
            body[body.Length / 2] ^= 0x01;

            // With a signed x-amz-content-sha256 (JS) the signature still holds and the body
            // check catches it; without one (botocore) the signature covers the body itself.
            SigV4FailureKind expected = request.Header("x-amz-content-sha256") is null
                ? SigV4FailureKind.SignatureMismatch
                : SigV4FailureKind.ContentHashMismatch;
            Verify(request with { Body = body }, now).Failure.ShouldBe(expected);
        }

        Verify(request.WithHeader("Host", "127.0.0.1:1"), now).Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);
        Verify(request.WithHeader("Content-Type", "text/plain"), now).Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);
        Verify(request with { RawPath = request.RawPath + "x" }, now).Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);
        Verify(request with { RawQuery = "a=b" }, now).Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);
        Verify(request with { Method = "PUT" }, now).Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);

        SigV4Result wrongSecret = new SigV4Verifier(new DictionarySecretStore((AccessKeyId, "Secret"))).Verify(request, now);
        wrongSecret.Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);
        wrongSecret.Message.ShouldBe(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
            + "and signing method. Consult the service documentation for details.");
        wrongSecret.Credential.AccessKeyId.ShouldBe(AccessKeyId);

        SigV4Result unknown = new SigV4Verifier(new DictionarySecretStore(("AKIAOTHER", Secret))).Verify(request, now);
        unknown.Failure.ShouldBe(SigV4FailureKind.UnknownAccessKey);
        unknown.Message.ShouldBe("The security token included in the request is invalid.");
        unknown.Credential.AccessKeyId.ShouldBe(AccessKeyId);

        // Headers outside SignedHeaders may change freely (proxies add them).
        Verify(request.WithHeader("X-Forwarded-For", "10.0.0.1"), now).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData(14, true)]
    [InlineData(-14, true)]
    [InlineData(15, true)]
    [InlineData(16, false)]
    [InlineData(-16, false)]
    public void Clock_skew_beyond_15_minutes_fails(int minutesAfterSigning, bool succeeds)
    {
        CapturedRequest capture = CapturedRequest.Signed().Select(d => CapturedRequest.Load((string)d[0], (int)d[1])).First();
        SigV4Result result = Verify(capture.Request, capture.SignedAt.AddMinutes(minutesAfterSigning));

        result.Succeeded.ShouldBe(succeeds, result.Message);
        if (!succeeds)
        {
            result.Failure.ShouldBe(SigV4FailureKind.Expired);
            result.Message.ShouldStartWith(minutesAfterSigning > 0 ? "Signature expired: " : "Signature not yet current: ");
        }
    }

    private static SigV4Result Verify(TestRequest request, DateTimeOffset now) => Verifier.Verify(request, now);
}
