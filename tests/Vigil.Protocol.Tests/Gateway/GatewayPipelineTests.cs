using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Vigil.Protocol.Codecs.RpcV2Cbor;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.CloudWatch;
using Vigil.Protocol.Shapes.Logs;
using Vigil.Protocol.Shapes.Sts;
using Vigil.Protocol.Shapes.XRay;
using Vigil.Protocol.Tests.TestSupport;

namespace Vigil.Protocol.Tests.Gateway;

/// <summary>The whole pipeline, driven in-process: routing, SigV4, validation, error envelopes per protocol, audit.</summary>
public sealed class GatewayPipelineTests
{
    private readonly List<PutMetricDataInput> _stored = [];
    private readonly GatewayHarness _gateway;

    public GatewayPipelineTests()
    {
        _gateway = new GatewayHarness(h =>
        {
            h.Register<GetCallerIdentityRequest, GetCallerIdentityResponse>(StsModel.Service, "GetCallerIdentity",
                (ctx, _, _) => ValueTask.FromResult(new GetCallerIdentityResponse { Account = ctx.Identity.AccountId, Arn = ctx.Identity.Arn, UserId = ctx.Identity.PrincipalId }));
            h.Register<PutMetricDataInput, object>(CloudWatchModel.Service, "PutMetricData", (_, input, _) =>
            {
                _stored.Add(input);
                return ValueTask.FromResult(new object());
            });
            h.Register<CreateLogGroupRequest, object>(LogsModel.Service, "CreateLogGroup", (_, _, _) => throw new System.InvalidOperationException("secret internal detail"));
            h.Register<GetSamplingRulesRequest, GetSamplingRulesResult>(XRayModel.Service, "GetSamplingRules",
                (_, _, _) => ValueTask.FromResult(new GetSamplingRulesResult { SamplingRuleRecords = [] }));
            h.Register<PutTraceSegmentsRequest, PutTraceSegmentsResult>(XRayModel.Service, "PutTraceSegments",
                (_, _, _) => ValueTask.FromResult(new PutTraceSegmentsResult { UnprocessedTraceSegments = [] }));
        });
    }

    [Fact]
    public async Task Query_GetCallerIdentity_answers_xml_with_the_signed_identity_and_request_id()
    {
        var r = await _gateway.QueryAsync("Action=GetCallerIdentity&Version=2011-06-15", "sts");
        r.Status.ShouldBe(200);
        var requestId = r.Header("x-amzn-RequestId");
        requestId.ShouldNotBeNullOrEmpty();
        var xml = XDocument.Parse(r.Text);
        XNamespace ns = "https://sts.amazonaws.com/doc/2011-06-15/";
        xml.Root!.Name.ShouldBe(ns + "GetCallerIdentityResponse");
        xml.Root.Element(ns + "GetCallerIdentityResult")!.Element(ns + "Account")!.Value.ShouldBe("111111111111");
        xml.Root.Element(ns + "ResponseMetadata")!.Element(ns + "RequestId")!.Value.ShouldBe(requestId);
        var audit = _gateway.Audit.Calls.ShouldHaveSingleItem();
        audit.RequestId.ShouldBe(requestId);
        audit.Identity!.AccountId.ShouldBe("111111111111");
        audit.ReadOnly.ShouldBeTrue();
        audit.ErrorCode.ShouldBeNull();
    }

    [Fact]
    public async Task Wrong_secret_gets_SignatureDoesNotMatch_for_query_and_InvalidSignatureException_for_json()
    {
        var q = await _gateway.QueryAsync("Action=GetCallerIdentity&Version=2011-06-15", "sts", secret: "wrong");
        q.Status.ShouldBe(403);
        XDocument.Parse(q.Text).Descendants().First(e => e.Name.LocalName == "Code").Value.ShouldBe("SignatureDoesNotMatch");

        var j = await _gateway.JsonAsync("Logs_20140328.CreateLogGroup", "application/x-amz-json-1.1", """{"logGroupName":"a"}""", "logs", secret: "wrong");
        j.Status.ShouldBe(400);
        JsonDocument.Parse(j.Body).RootElement.GetProperty("__type").GetString().ShouldBe("InvalidSignatureException");
        _gateway.Audit.Calls.Count.ShouldBe(2);
        _gateway.Audit.Calls.ShouldAllBe(c => c.ErrorCode != null);
    }

    [Fact]
    public async Task Unknown_key_on_cloudwatch_json_carries_the_query_error_header()
    {
        var r = await _gateway.JsonAsync("GraniteServiceVersion20100801.PutMetricData", "application/x-amz-json-1.0", """{"Namespace":"a"}""", "monitoring", key: "AKIANOBODY0000000000");
        r.Status.ShouldBe(400);
        r.Header("x-amzn-query-error").ShouldBe("InvalidClientTokenId;Sender");
        JsonDocument.Parse(r.Body).RootElement.GetProperty("__type").GetString().ShouldBe("com.amazonaws.cloudwatch#UnrecognizedClientException");
        _stored.ShouldBeEmpty();
    }

    [Fact]
    public async Task Missing_signature_is_rejected_before_the_handler_runs()
    {
        var r = await _gateway.JsonAsync("GraniteServiceVersion20100801.PutMetricData", "application/x-amz-json-1.0", """{"Namespace":"a","MetricData":[]}""", "monitoring", sign: false);
        r.Status.ShouldBe(403);
        JsonDocument.Parse(r.Body).RootElement.GetProperty("__type").GetString().ShouldEndWith("MissingAuthenticationTokenException");
        _stored.ShouldBeEmpty();
    }

    [Fact]
    public async Task CloudWatch_missing_parameter_is_MissingParameter_in_every_protocol_and_stores_nothing()
    {
        var json = await _gateway.JsonAsync("GraniteServiceVersion20100801.PutMetricData", "application/x-amz-json-1.0", """{"MetricData":[{"MetricName":"m","Value":1}]}""", "monitoring");
        json.Status.ShouldBe(400);
        json.Header("x-amzn-query-error").ShouldBe("MissingParameter;Sender");
        var body = JsonDocument.Parse(json.Body).RootElement;
        body.GetProperty("__type").GetString().ShouldBe("com.amazonaws.cloudwatch#MissingRequiredParameterException");
        body.GetProperty("message").GetString().ShouldBe("The parameter Namespace is required.");

        var query = await _gateway.QueryAsync("Action=PutMetricData&Version=2010-08-01&MetricData.member.1.MetricName=m", "monitoring");
        query.Status.ShouldBe(400);
        var error = XDocument.Parse(query.Text).Descendants().First(e => e.Name.LocalName == "Error");
        error.Elements().First(e => e.Name.LocalName == "Code").Value.ShouldBe("MissingParameter");
        error.Elements().First(e => e.Name.LocalName == "Type").Value.ShouldBe("Sender");

        var cbor = await _gateway.CborAsync("PutMetricData", [0xa0]);
        cbor.Status.ShouldBe(400);
        cbor.Header("smithy-protocol").ShouldBe("rpc-v2-cbor");
        cbor.Header("Content-Type").ShouldBe("application/cbor");
        ReadCborError(cbor.Body).Type.ShouldBe("com.amazonaws.cloudwatch#MissingRequiredParameterException");
        _stored.ShouldBeEmpty();
    }

    [Fact]
    public async Task Constraint_violations_use_coral_wording()
    {
        var r = await _gateway.JsonAsync("GraniteServiceVersion20100801.PutMetricData", "application/x-amz-json-1.0",
            """{"Namespace":"ns","MetricData":[{"MetricName":"m","Value":1,"StorageResolution":0,"Unit":"Parsecs"}]}""", "monitoring");
        r.Status.ShouldBe(400);
        var message = JsonDocument.Parse(r.Body).RootElement.GetProperty("message").GetString()!;
        message.ShouldStartWith("2 validation errors detected: ");
        message.ShouldContain("Value 'Parsecs' at 'metricData.1.member.unit' failed to satisfy constraint: Member must satisfy enum value set: [");
        message.ShouldContain("Value '0' at 'metricData.1.member.storageResolution' failed to satisfy constraint: Member must have value greater than or equal to 1");
        r.Header("x-amzn-query-error").ShouldBe("ValidationError;Sender");
        _stored.ShouldBeEmpty();
    }

    [Fact]
    public async Task Query_value_of_the_wrong_type_is_InvalidParameterValue()
    {
        var r = await _gateway.QueryAsync("Action=PutMetricData&Version=2010-08-01&Namespace=ns&MetricData.member.1.MetricName=m&MetricData.member.1.Value=abc", "monitoring");
        r.Status.ShouldBe(400);
        r.Text.ShouldContain("<Code>InvalidParameterValue</Code>");
        r.Text.ShouldContain("MetricData.member.1.Value");
        _stored.ShouldBeEmpty();
    }

    [Fact]
    public async Task Valid_PutMetricData_reaches_the_handler_in_all_three_cloudwatch_protocols()
    {
        (await _gateway.JsonAsync("GraniteServiceVersion20100801.PutMetricData", "application/x-amz-json-1.0", """{"Namespace":"ns","MetricData":[{"MetricName":"m","Value":1.5}]}""", "monitoring")).Status.ShouldBe(200);
        (await _gateway.QueryAsync("Action=PutMetricData&Version=2010-08-01&Namespace=ns&MetricData.member.1.MetricName=m&MetricData.member.1.Value=2.5", "monitoring")).Status.ShouldBe(200);
        // {"Namespace":"ns","MetricData":[{"MetricName":"m","Value":3}]} with the double as a CBOR integer, as the JS SDK writes it.
        var cbor = await _gateway.CborAsync("PutMetricData", Convert.FromHexString("a2694e616d657370616365626e736a4d65747269634461746181a26a4d65747269634e616d65616d6556616c756503"));
        cbor.Status.ShouldBe(200);
        cbor.Header("smithy-protocol").ShouldBe("rpc-v2-cbor");
        _stored.Select(s => s.MetricData![0].Value).ShouldBe([1.5, 2.5, 3.0]);
        _gateway.Audit.Calls.ShouldAllBe(c => !c.ReadOnly && c.ErrorCode == null && c.ServiceSigningName == "monitoring");
        Encoding.UTF8.GetString(_gateway.Audit.Calls[0].RequestParameters.Span).ShouldBe("""{"Namespace":"ns","MetricData":[{"MetricName":"m","Value":1.5}]}""");
    }

    [Fact]
    public async Task Gzipped_body_is_signed_over_the_compressed_bytes_and_decoded()
    {
        var json = Encoding.UTF8.GetBytes("""{"Namespace":"zipped","MetricData":[{"MetricName":"m","Value":7}]}""");
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(json);
        }
        var r = await _gateway.SendAsync("POST", "/", "", new()
        {
            ["X-Amz-Target"] = "GraniteServiceVersion20100801.PutMetricData",
            ["Content-Type"] = "application/x-amz-json-1.0",
            ["Content-Encoding"] = "gzip",
        }, ms.ToArray(), "monitoring");
        r.Status.ShouldBe(200, r.Text);
        _stored.ShouldHaveSingleItem().Namespace.ShouldBe("zipped");
    }

    [Fact]
    public async Task Malformed_json_unknown_operation_and_unimplemented_operation_get_aws_errors()
    {
        var bad = await _gateway.JsonAsync("GraniteServiceVersion20100801.PutMetricData", "application/x-amz-json-1.0", "{\"Namespace\":", "monitoring");
        bad.Status.ShouldBe(400);
        JsonDocument.Parse(bad.Body).RootElement.GetProperty("__type").GetString().ShouldEndWith("SerializationException");

        // An epoch timestamp no date can hold (found by the fast path's mutation test): the caller's error, not a 500.
        var farFuture = await _gateway.JsonAsync("GraniteServiceVersion20100801.PutMetricData", "application/x-amz-json-1.0",
            """{"Namespace":"App","MetricData":[{"MetricName":"m","Value":1,"Timestamp":17415817809996}]}""", "monitoring");
        farFuture.Status.ShouldBe(400, farFuture.Text);
        JsonDocument.Parse(farFuture.Body).RootElement.GetProperty("__type").GetString().ShouldEndWith("SerializationException");
        _stored.ShouldBeEmpty();

        var unknown = await _gateway.JsonAsync("Logs_20140328.MakeCoffee", "application/x-amz-json-1.1", "{}", "logs");
        unknown.Status.ShouldBe(400);
        JsonDocument.Parse(unknown.Body).RootElement.GetProperty("__type").GetString().ShouldBe("UnknownOperationException");

        var service = await _gateway.JsonAsync("NoSuchService_2020.Do", "application/x-amz-json-1.1", "{}", "nosuch");
        service.Status.ShouldBe(400);
        JsonDocument.Parse(service.Body).RootElement.GetProperty("__type").GetString().ShouldBe("UnknownServiceException");

        var notYet = await _gateway.JsonAsync("Logs_20140328.DescribeLogGroups", "application/x-amz-json-1.1", "{}", "logs");
        notYet.Status.ShouldBe(501);
        JsonDocument.Parse(notYet.Body).RootElement.GetProperty("__type").GetString().ShouldBe("NotImplemented");

        var action = await _gateway.QueryAsync("Action=Nope&Version=2011-06-15", "sts");
        action.Status.ShouldBe(400);
        action.Text.ShouldContain("<Code>InvalidAction</Code>");
    }

    [Fact]
    public async Task Handler_failure_is_InternalFailure_without_internal_details()
    {
        var r = await _gateway.JsonAsync("Logs_20140328.CreateLogGroup", "application/x-amz-json-1.1", """{"logGroupName":"ok"}""", "logs");
        r.Status.ShouldBe(500);
        r.Text.ShouldNotContain("secret internal detail");
        r.Text.ShouldNotContain(" at ");
        JsonDocument.Parse(r.Body).RootElement.GetProperty("__type").GetString().ShouldBe("InternalFailure");
        _gateway.Audit.Calls.ShouldHaveSingleItem().ErrorCode.ShouldBe("InternalFailure");
    }

    [Fact]
    public async Task Answer_waits_for_its_audit_record_which_is_queued_before_the_answer_is_encoded()
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gateway.Audit.Durable = durable.Task;
        var call = _gateway.QueryAsync("Action=GetCallerIdentity&Version=2011-06-15", "sts");
        for (var i = 0; i < 500 && _gateway.Audit.Calls.Count == 0; i++)
        {
            await Task.Delay(10);
        }
        var record = _gateway.Audit.Calls.ShouldHaveSingleItem();
        (record.HttpStatus, record.ErrorCode, record.Operation).ShouldBe((200, (string?)null, "GetCallerIdentity"));
        await Task.Delay(50);
        call.IsCompleted.ShouldBeFalse("the client must hear nothing before the record is durable");

        durable.SetResult();
        var r = await call;
        r.Status.ShouldBe(200);
        r.Text.ShouldContain("<Account>111111111111</Account>");
        _gateway.Audit.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Encoding_failure_after_the_success_was_recorded_is_recorded_too()
    {
        // The handler answers with an object the output shape cannot encode: the success record is already queued
        // when encoding throws, and the InternalFailure the client then gets is the call's second record.
        var gateway = new GatewayHarness(h => h.Register<GetCallerIdentityRequest, object>(StsModel.Service, "GetCallerIdentity",
            (_, _, _) => ValueTask.FromResult<object>(new PutTraceSegmentsResult())));
        var r = await gateway.QueryAsync("Action=GetCallerIdentity&Version=2011-06-15", "sts");
        r.Status.ShouldBe(500);
        r.Text.ShouldContain("InternalFailure");
        var calls = gateway.Audit.Calls;
        calls.Count.ShouldBe(2);
        (calls[0].HttpStatus, calls[0].ErrorCode).ShouldBe((200, (string?)null));
        (calls[1].HttpStatus, calls[1].ErrorCode).ShouldBe((500, "InternalFailure"));
        calls[1].RequestId.ShouldBe(calls[0].RequestId);
    }

    [Fact]
    public async Task XRay_sampling_calls_may_come_unsigned_but_other_xray_calls_may_not()
    {
        var sampling = await _gateway.SendAsync("POST", "/GetSamplingRules", "", new() { ["Content-Type"] = "application/json" }, "{}"u8.ToArray(), "xray", sign: false);
        sampling.Status.ShouldBe(200);
        JsonDocument.Parse(sampling.Body).RootElement.GetProperty("SamplingRuleRecords").GetArrayLength().ShouldBe(0);

        var segments = await _gateway.SendAsync("POST", "/TraceSegments", "", new() { ["Content-Type"] = "application/json" }, """{"TraceSegmentDocuments":["{}"]}"""u8.ToArray(), "xray", sign: false);
        segments.Status.ShouldBe(403);
        segments.Header("x-amzn-ErrorType").ShouldBe("MissingAuthenticationTokenException");

        var signed = await _gateway.SendAsync("POST", "/TraceSegments", "", new() { ["Content-Type"] = "application/json" }, """{"TraceSegmentDocuments":["{}"]}"""u8.ToArray(), "xray");
        signed.Status.ShouldBe(200);
    }

    [Fact]
    public async Task Clock_skew_over_15_minutes_is_rejected()
    {
        var r = await _gateway.SendAsync("POST", "/", "", new() { ["Content-Type"] = "application/x-www-form-urlencoded" },
            "Action=GetCallerIdentity&Version=2011-06-15"u8.ToArray(), "sts", signedAt: DateTimeOffset.UtcNow.AddMinutes(-16));
        r.Status.ShouldBe(403);
        r.Text.ShouldContain("<Code>SignatureDoesNotMatch</Code>");
        r.Text.ShouldContain("Signature expired");
    }

    [Fact]
    public async Task Presigned_GetCallerIdentity_url_works_until_it_expires()
    {
        // The shape of the presigned STS URLs that Kubernetes IAM authenticators hand around.
        var fresh = Vigil.Protocol.SigV4.SigV4Signer.Presign("GET", "127.0.0.1:4566", "/", "Action=GetCallerIdentity&Version=2011-06-15", [],
            GatewayHarness.AliceKey, GatewayHarness.AliceSecret, "us-east-1", "sts", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        var ok = await _gateway.SendAsync("GET", "/", fresh, [], [], "sts", sign: false);
        ok.Status.ShouldBe(200, ok.Text);
        ok.Text.ShouldContain("<Arn>arn:aws:iam::111111111111:user/alice</Arn>");

        var old = Vigil.Protocol.SigV4.SigV4Signer.Presign("GET", "127.0.0.1:4566", "/", "Action=GetCallerIdentity&Version=2011-06-15", [],
            GatewayHarness.AliceKey, GatewayHarness.AliceSecret, "us-east-1", "sts", DateTimeOffset.UtcNow.AddMinutes(-10), TimeSpan.FromMinutes(5));
        var expired = await _gateway.SendAsync("GET", "/", old, [], [], "sts", sign: false);
        expired.Status.ShouldBe(403);
        expired.Text.ShouldContain("<Code>SignatureDoesNotMatch</Code>");

        var tampered = await _gateway.SendAsync("GET", "/", fresh.Replace("Version=2011-06-15", "Version=2011-06-16", StringComparison.Ordinal), [], [], "sts", sign: false);
        tampered.Status.ShouldBe(403);
    }

    [Fact]
    public async Task Development_mode_maps_any_key_to_its_own_account()
    {
        var dev = new GatewayHarness(h => h.Register<GetCallerIdentityRequest, GetCallerIdentityResponse>(StsModel.Service, "GetCallerIdentity",
            (ctx, _, _) => ValueTask.FromResult(new GetCallerIdentityResponse { Account = ctx.Identity.AccountId })), noAuth: true);
        var r = await dev.QueryAsync("Action=GetCallerIdentity&Version=2011-06-15", "sts", key: "AKIAANYTHING", secret: "whatever");
        r.Status.ShouldBe(200);
        r.Text.ShouldContain("<Account>999999999999</Account>");
    }

    [Fact]
    public async Task Oversized_body_is_refused_with_413()
    {
        var big = new byte[9 * 1024 * 1024];
        var r = await _gateway.SendAsync("POST", "/", "", new() { ["X-Amz-Target"] = "Logs_20140328.PutLogEvents", ["Content-Type"] = "application/x-amz-json-1.1" }, big, "logs", sign: false);
        r.Status.ShouldBe(413);
    }

    private static (string Type, string Message) ReadCborError(byte[] body)
    {
        var reader = new CborReader(body);
        var n = reader.ReadStartMap();
        string type = "", message = "";
        for (var i = 0; i < n; i++)
        {
            var key = reader.ReadTextString();
            var value = reader.ReadTextString();
            if (key == "__type")
            {
                type = value;
            }
            else if (key == "message")
            {
                message = value;
            }
        }
        return (type, message);
    }
}
