using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Protocol.SigV4;

using Vigil.Protocol.Tests.TestSupport;

namespace Vigil.Protocol.Tests.SigV4;

public sealed class SigV4VerifierTests
{
    // The AWS documentation's example credentials and time (SigV4 test suite, IAM ListUsers example).
    private const string DocsKeyId = "AKIDEXAMPLE";
    private const string DocsSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset DocsTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private static readonly SigV4Verifier DocsVerifier = new(new DictionarySecretStore((DocsKeyId, DocsSecret)), new FixedTimeProvider(DocsTime));

    private static TestRequest IamListUsers(string signature) => new(
        "GET",
        "/",
        "Action=ListUsers&Version=2010-05-08",
        [
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature=" + signature),
        ],
        []);

    [Fact]
    public void Aws_documentation_iam_example_verifies()
    {
        TestRequest request = IamListUsers("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");

        CanonicalRequest.Build(request, "content-type;host;x-amz-date", excludeSignatureParameter: false,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
            .ShouldBe("""
                GET
                /
                Action=ListUsers&Version=2010-05-08
                content-type:application/x-www-form-urlencoded; charset=utf-8
                host:iam.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """.ReplaceLineEndings("\n"));

        SigV4Result result = DocsVerifier.Verify(request);
        result.Failure.ShouldBe(SigV4FailureKind.None, result.Message);
        result.Credential.ShouldBe(new SigV4Credential(DocsKeyId, new DateOnly(2015, 8, 30), "us-east-1", "iam"));
        result.RequestTime.ShouldBe(DocsTime);

        DocsVerifier.Verify(IamListUsers("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d8"))
            .Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);
    }

    [Fact]
    public void Signing_key_matches_the_aws_documentation()
    {
        Convert.ToHexStringLower(SigningKeyCache.DeriveKey(DocsSecret, "20150830", "us-east-1", "iam"))
            .ShouldBe("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
        TestSigner.SigningKeyHex(DocsSecret, "20150830", "us-east-1", "iam")
            .ShouldBe("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    }

    public static TheoryData<string, string, string, string, string> TestSuite => new()
    {
        // name, method + raw path, query, extra headers (name:value|...), signed headers + signature
        { "get-vanilla", "GET /", "", "", "host;x-amz-date 5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-relative", "GET /example/..", "", "", "host;x-amz-date 5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-relative-relative", "GET /example1/example2/../..", "", "", "host;x-amz-date 5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-dot", "GET /./", "", "", "host;x-amz-date 5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-slashes", "GET //example//", "", "", "host;x-amz-date 9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84" },
        { "get-space", "GET /example space/", "", "", "host;x-amz-date 652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741" },
        { "get-utf8", "GET /\u1234", "", "", "host;x-amz-date 8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85" },
        { "get-vanilla-query-order-key-case", "GET /", "Param2=value2&Param1=value1", "", "host;x-amz-date b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
        {
            "get-vanilla-query-unreserved", "GET /",
            "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            "", "host;x-amz-date 9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"
        },
        { "get-header-value-trim", "GET /", "", "My-Header1: value1|My-Header2: \"a   b   c\"", "host;my-header1;my-header2;x-amz-date acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736" },
        { "get-header-key-duplicate", "GET /", "", "My-Header1:value2|My-Header1:value2|My-Header1:value1", "host;my-header1;x-amz-date c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea" },
    };

    /// <summary>
    /// Vectors from the AWS SigV4 test suite (service "service", example.amazonaws.com). The
    /// suite gives paths unencoded; a real client would send get-space as %20 and sign %2520.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestSuite))]
    public void Aws_test_suite_vectors_verify(string name, string requestLine, string query, string extraHeaders, string signedAndSignature)
    {
        string[] line = requestLine.Split(' ', 2);
        string[] signing = signedAndSignature.Split(' ');
        List<(string, string)> headers = [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")];
        foreach (string header in extraHeaders.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = header.IndexOf(':', StringComparison.Ordinal);
            headers.Add((header[..colon], header[(colon + 1)..]));
        }

        headers.Add(("Authorization", $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signing[0]}, Signature={signing[1]}"));
        SigV4Result result = DocsVerifier.Verify(new TestRequest(line[0], line[1], query, headers, []));
        result.Failure.ShouldBe(SigV4FailureKind.None, $"{name}: {result.Message}");
    }

    [Fact]
    public void Presigned_url_verifies_until_it_expires()
    {
        TestRequest request = new("GET", "/", "Action=ListUsers&Version=2010-05-08", [("Host", "iam.amazonaws.com")], []);
        TestRequest presigned = TestSigner.Presign(request, DocsKeyId, DocsSecret, "us-east-1", "iam", DocsTime, 300, unsignedPayload: false);

        SigV4Result result = DocsVerifier.Verify(presigned, DocsTime.AddSeconds(299));
        result.Failure.ShouldBe(SigV4FailureKind.None, result.Message);
        result.IsPresigned.ShouldBeTrue();
        result.Credential.Service.ShouldBe("iam");

        SigV4Result expired = DocsVerifier.Verify(presigned, DocsTime.AddSeconds(301));
        expired.Failure.ShouldBe(SigV4FailureKind.Expired);
        expired.Message.ShouldBe("Request has expired");

        DocsVerifier.Verify(presigned, DocsTime.AddMinutes(-16)).Failure.ShouldBe(SigV4FailureKind.Expired);
        DocsVerifier.Verify(presigned with { RawQuery = presigned.RawQuery.Replace("ListUsers", "ListRoles", StringComparison.Ordinal) }, DocsTime)
            .Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);
        DocsVerifier.Verify(presigned.WithHeader("Host", "evil.example.com"), DocsTime).Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);
    }

    [Fact]
    public void Presigned_url_with_unsigned_payload_and_token_verifies_for_a_week()
    {
        TestRequest request = new("POST", "/", "", [("Host", "monitoring.us-east-1.amazonaws.com")], Encoding.UTF8.GetBytes("Action=ListMetrics"));
        TestRequest presigned = TestSigner.Presign(request, DocsKeyId, DocsSecret, "us-east-1", "monitoring", DocsTime, 604800, unsignedPayload: true, securityToken: "tok/en+=");

        SigV4Result result = DocsVerifier.Verify(presigned, DocsTime.AddDays(6));
        result.Failure.ShouldBe(SigV4FailureKind.None, result.Message);
        result.SecurityToken.ShouldBe("tok/en+=");

        TestRequest tooLong = TestSigner.Presign(request, DocsKeyId, DocsSecret, "us-east-1", "monitoring", DocsTime, 604801, unsignedPayload: true);
        DocsVerifier.Verify(tooLong, DocsTime).Failure.ShouldBe(SigV4FailureKind.IncompleteSignature);
    }

    [Fact]
    public void Missing_authentication()
    {
        SigV4Result result = DocsVerifier.Verify(new TestRequest("POST", "/", "", [("Host", "h")], []));
        result.Failure.ShouldBe(SigV4FailureKind.MissingAuthenticationToken);
        result.Message.ShouldBe("Missing Authentication Token");
    }

    [Fact]
    public void Incomplete_authorization_lists_every_missing_part()
    {
        TestRequest request = new("POST", "/", "", [("Host", "h"), ("Authorization", "AWS4-HMAC-SHA256 Signature=abc")], []);
        SigV4Result result = DocsVerifier.Verify(request);
        result.Failure.ShouldBe(SigV4FailureKind.IncompleteSignature);
        result.Message.ShouldBe(
            "Authorization header requires 'Credential' parameter. Authorization header requires 'SignedHeaders' parameter. "
            + "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            + "Authorization=AWS4-HMAC-SHA256 Signature=abc");
    }

    public static TheoryData<string, string, string> IncompleteCases => new()
    {
        { "AWS4-HMAC-SHA512 Credential=a/20150830/r/s/aws4_request, SignedHeaders=host, Signature=00", "20150830T123600Z", "Unsupported AWS 'algorithm'" },
        { "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request SignedHeaders=host, Signature=00", "20150830T123600Z", "Authorization header requires 'SignedHeaders'" },
        { "AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=00", "20150830T123600Z", "Invalid key=value pair" },
        { "AWS4-HMAC-SHA256 Credential=a/20150830/r/s, SignedHeaders=host, Signature=00", "20150830T123600Z", "Credential must have exactly 5 slash-delimited elements" },
        { "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request/x, SignedHeaders=host, Signature=00", "20150830T123600Z", "Credential must have exactly 5" },
        { "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws5_request, SignedHeaders=host, Signature=00", "20150830T123600Z", "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'." },
        { "AWS4-HMAC-SHA256 Credential=a/20150829/r/s/aws4_request, SignedHeaders=host, Signature=00", "20150830T123600Z", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150829' != '20150830', from '20150830T123600Z'." },
        { "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request, SignedHeaders=host, Signature=00", "2015-08-30T12:36:00Z", "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'." },
        { "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request, SignedHeaders=host, Signature=00", "20150830T123660Z", "Date must be in ISO-8601 'basic format'" },
    };

    [Theory]
    [MemberData(nameof(IncompleteCases))]
    public void Malformed_authorization_is_incomplete(string authorization, string amzDate, string messageStart)
    {
        TestRequest request = new("POST", "/", "", [("Host", "h"), ("X-Amz-Date", amzDate), ("Authorization", authorization)], []);
        SigV4Result result = DocsVerifier.Verify(request);
        result.Failure.ShouldBe(SigV4FailureKind.IncompleteSignature);
        result.Message.ShouldStartWith(messageStart);
    }

    [Fact]
    public void Header_and_query_authentication_together_is_incomplete()
    {
        TestRequest request = IamListUsers("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7") with
        {
            RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00",
        };
        DocsVerifier.Verify(request).Failure.ShouldBe(SigV4FailureKind.IncompleteSignature);
    }

    [Fact]
    public void Skew_message_uses_aws_wording()
    {
        TestRequest signed = TestSigner.Sign(new TestRequest("POST", "/", "", [("Host", "h")], [1, 2]), DocsKeyId, DocsSecret, "us-east-1", "logs",
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        SigV4Result late = DocsVerifier.Verify(signed, new DateTimeOffset(2026, 1, 1, 0, 16, 0, TimeSpan.Zero));
        late.Failure.ShouldBe(SigV4FailureKind.Expired);
        late.Message.ShouldBe("Signature expired: 20260101T000000Z is now earlier than 20260101T000100Z (20260101T001600Z - 15 min.)");
        late.Credential.Service.ShouldBe("logs");

        SigV4Result early = DocsVerifier.Verify(signed, new DateTimeOffset(2025, 12, 31, 23, 44, 0, TimeSpan.Zero));
        early.Message.ShouldBe("Signature not yet current: 20260101T000000Z is still later than 20251231T235900Z (20251231T234400Z + 15 min.)");
    }

    [Fact]
    public void Date_header_is_used_when_x_amz_date_is_absent()
    {
        TestRequest signed = TestSigner.Sign(new TestRequest("POST", "/", "", [("Host", "h")], [1]), DocsKeyId, DocsSecret, "us-east-1", "sns", DocsTime, useDateHeader: true);
        signed.Header("X-Amz-Date").ShouldBeNull();
        DocsVerifier.Verify(signed).Failure.ShouldBe(SigV4FailureKind.None);
    }

    [Fact]
    public void Content_hash_header_rules()
    {
        TestRequest request = new("POST", "/", "", [("Host", "h")], Encoding.UTF8.GetBytes("{}"));
        TestRequest signed = TestSigner.Sign(request, DocsKeyId, DocsSecret, "us-east-1", "logs", DocsTime, sendContentHash: true);
        DocsVerifier.Verify(signed).Failure.ShouldBe(SigV4FailureKind.None);
        DocsVerifier.Verify(signed with { Body = Encoding.UTF8.GetBytes("{ }") }).Failure.ShouldBe(SigV4FailureKind.ContentHashMismatch);

        TestRequest unsigned = TestSigner.Sign(request.WithHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), DocsKeyId, DocsSecret, "us-east-1", "logs", DocsTime);
        DocsVerifier.Verify(unsigned with { Body = [9, 9] }).Failure.ShouldBe(SigV4FailureKind.None);

        TestRequest streaming = TestSigner.Sign(request.WithHeader("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), DocsKeyId, DocsSecret, "us-east-1", "logs", DocsTime);
        DocsVerifier.Verify(streaming).Failure.ShouldBe(SigV4FailureKind.IncompleteSignature);
    }

    [Fact]
    public void Malformed_signature_hex_is_a_mismatch()
    {
        DocsVerifier.Verify(IamListUsers("zz672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")).Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);
        DocsVerifier.Verify(IamListUsers("5d67")).Failure.ShouldBe(SigV4FailureKind.SignatureMismatch);
        DocsVerifier.Verify(IamListUsers("5D672D79C15B13162D9279B0855CFBA6789A8EDB4C82C400E06B5924A6F2B5D7")).Failure.ShouldBe(SigV4FailureKind.None);
    }

    [Fact]
    public void Random_paths_queries_and_headers_signed_naively_verify()
    {
        string[] pathPieces = ["a", "B", "-", "_", ".", "..", "~", "%20", "%2F", "%25", " ", "/", "//", "\u00fc", ":", "@", "!", "("];
        string[] queryPieces = ["a", "Z", "=", "&", "%2B", "+", "%20", "~", "%7E", "*", "\u6c34", "X-Amz-Date"];
        string[] valuePieces = ["v", " ", "  ", "\t", "\"", ",", "\u00e9"];
        Gen<string> path = Gen.Elements(pathPieces).ArrayOf().Select(p => "/" + string.Concat(p));
        Gen<string> query = Gen.Elements(queryPieces).ArrayOf().Select(string.Concat);
        Gen<string> value = Gen.Elements(valuePieces).ArrayOf().Select(string.Concat);
        Gen<(string Path, string Query, string Value)> cases = from p in path from q in query from v in value select (p, q, v);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            TestRequest request = new("POST", c.Path, c.Query, [("Host", "h"), ("X-Custom", c.Value), ("x-custom", "second")], [7]);
            TestRequest signed = TestSigner.Sign(request, DocsKeyId, DocsSecret, "us-east-1", "events", DocsTime);
            SigV4Result result = DocsVerifier.Verify(signed);
            result.Failure.ShouldBe(SigV4FailureKind.None, $"{c}: {result.Message}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true));
    }

    [Fact]
    public void Signing_keys_are_cached_per_scope_and_secret()
    {
        SigningKeyCache cache = new();
        SigningKeyCache.Entry first = cache.GetOrAdd("secret", "20260101", "us-east-1", "logs");
        cache.GetOrAdd(new string("secret".AsSpan()), "20260101", "us-east-1", "logs").ShouldBeSameAs(first);
        cache.GetOrAdd("rotated", "20260101", "us-east-1", "logs").Key.ShouldNotBe(first.Key);
        cache.GetOrAdd("secret", "20260102", "us-east-1", "logs").Key.ShouldNotBe(first.Key);
    }

    [Fact]
    public void Verification_allocates_almost_nothing()
    {
        CapturedRequest capture = CapturedRequest.Signed().Select(d => CapturedRequest.Load((string)d[0], (int)d[1]))
            .First(c => c.Request.Header("x-amz-content-sha256") is null);
        SigV4Verifier verifier = new(new DictionarySecretStore(("AKIAEXAMPLE", "secret")));
        AllocationFreeRequest request = new(capture.Request);
        DateTimeOffset now = capture.SignedAt;
        for (int i = 0; i < 200; i++)
        {
            verifier.Verify(request, now).Succeeded.ShouldBeTrue();
        }

        const int runs = 1000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < runs; i++)
        {
            verifier.Verify(request, now);
        }

        long perVerification = (GC.GetAllocatedBytesForCurrentThread() - before) / runs;

        // Budget: the access key id string (~48 bytes) and nothing per header or per byte.
        perVerification.ShouldBeLessThanOrEqualTo(64);
    }

    /// <summary>Header lookups served from prebuilt StringValues, as Kestrel's header dictionary does.</summary>
    private readonly struct AllocationFreeRequest(TestRequest inner) : ISigV4Request
    {
        private readonly Dictionary<string, Microsoft.Extensions.Primitives.StringValues> _headers = inner.Headers
            .GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => new Microsoft.Extensions.Primitives.StringValues(g.Select(h => h.Value).ToArray()), StringComparer.OrdinalIgnoreCase);

        public string Method => inner.Method;

        public string RawPath => inner.RawPath;

        public string RawQuery => inner.RawQuery;

        public bool TryGetHeader(string name, out Microsoft.Extensions.Primitives.StringValues values) => _headers.TryGetValue(name, out values);

        public void ComputePayloadSha256(scoped Span<byte> destination) => System.Security.Cryptography.SHA256.HashData(inner.Body, destination);
    }
}
