using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Api;
using Vigil.Logs.Api.FastPath;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes;
using Vigil.Protocol.Shapes.Logs;
using Vigil.Protocol.Tests.TestSupport;
using Vigil.Protocol.Validation;
using static Vigil.Logs.Tests.Api.LogsApiHarness;

namespace Vigil.Logs.Tests.Api.FastPath;

/// <summary>
/// The JSON fast path must be indistinguishable from the generic path: for random bodies, valid and broken, either it
/// declines and the generic path answers, or it answers and stores exactly what the generic decoder + validator +
/// handler answer and store — and it never accepts what the generic path refuses.
/// </summary>
public sealed class PutLogEventsFastPathTests : IAsyncLifetime
{
    private static readonly string[] Groups = ["g1", "g2", "missing", "bad name!"];
    private static readonly string[] Streams = ["s1", "s2", "s-missing", "a:b"];

    /// <summary>Messages as they appear between the quotes of a JSON string.</summary>
    private static readonly string[] Messages =
    [
        "plain line", "GET /api 200 12ms", """{\"level\":\"INFO\",\"msg\":\"a \\\"quoted\\\" word\"}""", "tab\\there\\nnewline",
        "h\u00e9llo \u65e5\u672c \U0001F600", "\\u00e9\\u65e5\\ud83d\\ude00", "a\\/b\\\\c", " ", "x",
        "level=WARN msg=\\\"retry\\\" n=3", "\\u0000nul", new string('m', 300),
    ];

    private readonly LogsApiHarness _fast = new();
    private readonly LogsApiHarness _generic = new();
    private PutLogEventsFastPath _fastPath = null!;
    private int _handled;
    private int _valid;

    public async Task InitializeAsync()
    {
        _fastPath = new PutLogEventsFastPath(_fast.Store);
        foreach (var h in new[] { _fast, _generic })
        {
            await h.CreateGroupAsync("g1");
            await h.CreateGroupAsync("g2");
            await h.CallAsync("PutRetentionPolicy", new PutRetentionPolicyRequest { LogGroupName = "g2", RetentionInDays = 1 });
            await h.CreateStreamAsync("g1", "s1");
            await h.CreateStreamAsync("g1", "s2");
            await h.CreateStreamAsync("g2", "s1");
        }
    }

    public async Task DisposeAsync()
    {
        await _fast.DisposeAsync();
        await _generic.DisposeAsync();
    }

    /// <summary>One generated call: where it goes, its events (minutes before now, message), and how it is broken.</summary>
    public sealed record Case(int Group, int Stream, (int Minutes, int Millis, int Message)[] Events, int Break, int Where);

    [Fact]
    public void Random_bodies_answer_and_store_the_same_through_the_fast_and_the_generic_path()
    {
        var cases =
            from g in Gen.Frequency((8, Gen.Constant(0)), (3, Gen.Constant(1)), (1, Gen.Choose(2, 3)))
            from s in Gen.Frequency((8, Gen.Constant(0)), (2, Gen.Constant(1)), (1, Gen.Choose(2, 3)))
            from events in Gen.ArrayOf(
                from minutes in Gen.Choose(0, 600)
                from millis in Gen.Choose(0, 999)
                from message in Gen.Choose(0, Messages.Length - 1)
                select (minutes, millis, message)).Where(e => e.Length is > 0 and < 60)
            from brk in Gen.Frequency((12, Gen.Constant(0)), (20, Gen.Choose(1, 24)))
            from pos in Gen.Choose(0, 1000)
            select new Case(g, s, events, brk, pos);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(600), Prop.ForAll(Arb.From(cases), c => SameAnswer(c).GetAwaiter().GetResult()));
        _valid.ShouldBeGreaterThan(100);
        _handled.ShouldBeGreaterThan(_valid / 2, "valid bodies should mostly take the fast path");
        ShouldHoldTheSame();
    }

    [Fact]
    public async Task A_json_log_line_with_escapes_takes_the_fast_path_and_is_stored_unescaped()
    {
        var line = """{"level":"INFO","msg":"said \"hi\"","path":"C:\\tmp","é":"日本 😀"}""";
        var body = Body("g1", "s1", [(Now - Minute, line)]);
        var r = await _fastPath.HandleAsync(Context(), body, CancellationToken.None);
        r.Handled.ShouldBeTrue();
        var response = r.Output.ShouldBeOfType<PutLogEventsResponse>();
        response.RejectedLogEventsInfo.ShouldBeNull();
        response.NextSequenceToken.ShouldBe($"{Now:D28}{1:D28}");
        var audit = r.AuditInput.ShouldBeOfType<PutLogEventsRequest>();
        (audit.LogGroupName, audit.LogStreamName, audit.LogEvents).ShouldBe(("g1", "s1", null));
        Read(_fast.Store, "g1").Single().Message.ShouldBe(line);
    }

    [Fact]
    public async Task Rejected_events_are_reported_as_the_handler_reports_them_and_the_middle_is_stored()
    {
        var body = Body("g1", "s1", [(Now - (15 * Day), "old"), (Now - Minute, "kept"), (Now + (3 * Hour), "new")]);
        var r = await _fastPath.HandleAsync(Context(), body, CancellationToken.None);
        r.Handled.ShouldBeTrue();
        var info = r.Output.ShouldBeOfType<PutLogEventsResponse>().RejectedLogEventsInfo.ShouldNotBeNull();
        (info.TooOldLogEventEndIndex, info.ExpiredLogEventEndIndex, info.TooNewLogEventStartIndex).ShouldBe((1, null, 2));
        Read(_fast.Store, "g1").Select(e => e.Message).ShouldBe(["kept"]);
    }

    [Theory]
    [InlineData("""{"logGroupName":"g1","logStreamName":"s1","logEvents":[{"timestamp":1,"message":"m"}],"entity":{"keyAttributes":{}}}""")]
    [InlineData("""{"logGroupName":"g1","logStreamName":"s1","logEvents":[{"timestamp":1,"message":null}]}""")]
    [InlineData("""{"logGroupName":"g1","logStreamName":"s1","logEvents":[{"timestamp":"1","message":"m"}]}""")]
    [InlineData("""{"logGroupName":"g1","logStreamName":"s1","logEvents":[]}""")]
    [InlineData("""{"logGroupName":"g1","logStreamName":"s-missing","logEvents":[{"timestamp":1,"message":"m"}]}""")]
    [InlineData("""{"logGroupName":"g1","logStreamName":"s1","logEvents":[{"timestamp":1,"message":"\ud800"}]}""")]
    [InlineData("""{"logGroupName":"g1","logStreamName":"s1","logEvents":[{"timestamp":1,"message":""}]}""")]
    [InlineData("""{"logGroupName":"g1","logStreamName":"s1","logEvents":[{"timestamp":1,"message":"m"}""")]
    public async Task Unusual_input_is_declined_and_nothing_is_stored(string body)
    {
        var r = await _fastPath.HandleAsync(Context(), Encoding.UTF8.GetBytes(body), CancellationToken.None);
        r.Handled.ShouldBeFalse();
        Read(_fast.Store, "g1").ShouldBeEmpty();
    }

    private Task<bool> SameAnswer(Case c) => SameAnswer(Body(c), (Groups[c.Group], Streams[c.Stream]));

    private async Task<bool> SameAnswer(byte[] body, (string Group, string Stream)? names)
    {
        var expected = await Generic(_generic.Store, body);
        _valid += expected.StartsWith("ok", StringComparison.Ordinal) ? 1 : 0;
        string actual;
        var r = await _fastPath.HandleAsync(Context(), body, CancellationToken.None);
        if (r.Handled)
        {
            _handled++;
            actual = Describe((PutLogEventsResponse)r.Output!);
            var audit = (PutLogEventsRequest)r.AuditInput!;
            audit.LogEvents.ShouldBeNull();
            if (names is { } n)
            {
                (audit.LogGroupName, audit.LogStreamName).ShouldBe(n);
            }
        }
        else
        {
            actual = await Generic(_fast.Store, body);
        }

        actual.ShouldBe(expected, Encoding.UTF8.GetString(body));
        return true;
    }

    [Fact]
    public async Task Mutated_bodies_answer_and_store_the_same_through_the_fast_and_the_generic_path()
    {
        // Whitespace between tokens (and some JSON does not allow), bytes deleted, JSON's own characters inserted:
        // the scanner must never take what the reader refuses, nor store other bytes.
        var rng = new Random(29);
        for (var run = 0; run < 700; run++)
        {
            var events = Enumerable.Range(0, rng.Next(1, 6)).Select(i => (Minutes: 300 - (run % 200) - i, Millis: rng.Next(1000), Message: rng.Next(Messages.Length))).ToArray();
            var body = Encoding.UTF8.GetString(Body(new Case(0, rng.Next(2), events, 0, 0)));
            await SameAnswer(Encoding.UTF8.GetBytes(JsonMutations.Mutate(rng, body)), null);
        }
        _valid.ShouldBeGreaterThan(150);
        _handled.ShouldBeGreaterThan(_valid / 3);
        ShouldHoldTheSame();
    }

    /// <summary>What the gateway does without a fast path: decode, validate, handle; the outcome as text.</summary>
    private static async Task<string> Generic(LogStore store, byte[] body)
    {
        var op = LogsModel.Service.Operations["PutLogEvents"];
        try
        {
            var input = AwsJsonCodec.V1_1.DecodeInput(op, new WireRequest { Method = "POST", Path = "/", Header = _ => null, Body = body });
            var violations = ShapeValidator.Validate(input, op.Input!);
            if (violations.Count > 0)
            {
                return "InvalidParameterException: " + ShapeValidator.Describe(violations);
            }

            return Describe(await new PutLogEventsHandler(store).HandleAsync(Context(), (PutLogEventsRequest)input, CancellationToken.None));
        }
        catch (AwsServiceException e)
        {
            return $"{e.Code}: {e.Message}";
        }
        catch (System.InvalidOperationException e)
        {
            return "InternalFailure: " + e.GetType().Name; // the gateway's answer to invalid UTF-8 in a string
        }
    }

    private static string Describe(PutLogEventsResponse r) =>
        $"ok {r.NextSequenceToken} {r.RejectedLogEventsInfo?.TooOldLogEventEndIndex} {r.RejectedLogEventsInfo?.ExpiredLogEventEndIndex} {r.RejectedLogEventsInfo?.TooNewLogEventStartIndex}";

    private static CallContext Context() => new()
    {
        RequestId = "r",
        Identity = new CallerIdentity(Account, "tester", $"arn:aws:iam::{Account}:user/tester", "AIDATESTER", "AKIATESTER"),
        Region = Region,
        Operation = LogsModel.Service.Operations["PutLogEvents"],
        Protocol = WireProtocol.AwsJson1_1,
        ReceivedAt = T0,
    };

    private void ShouldHoldTheSame()
    {
        foreach (var group in new[] { "g1", "g2" })
        {
            var a = Read(_fast.Store, group);
            var b = Read(_generic.Store, group);
            a.Count.ShouldBe(b.Count, group);
            for (var i = 0; i < a.Count; i++)
            {
                a[i].ShouldBe(b[i], group);
            }
        }
    }

    private static List<LogEventRecord> Read(LogStore store, string group)
    {
        var all = new List<LogEventRecord>();
        EventPosition? after = null;
        while (true)
        {
            var page = store.Scan(new LogScan { Group = new LogGroupKey(Account, Region, group), After = after, MaxBytes = long.MaxValue });
            all.AddRange(page.Events);
            if (!page.HasMore || page.Events.Count == 0)
            {
                return all;
            }

            after = page.Events[^1].Position;
        }
    }

    private static byte[] Body(string group, string stream, (long Timestamp, string Message)[] events) =>
        Encoding.UTF8.GetBytes(new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $$"""{"logGroupName":"{{group}}","logStreamName":"{{stream}}","logEvents":[""")
            .AppendJoin(',', events.Select(e => $$"""{"timestamp":{{e.Timestamp}},"message":{{System.Text.Json.JsonSerializer.Serialize(e.Message)}}}"""))
            .Append("]}").ToString());

    /// <summary>A body for a generated case, broken in the way <see cref="Case.Break"/> says (0: not at all).</summary>
    private static byte[] Body(Case c)
    {
        var events = c.Events.OrderByDescending(e => e.Minutes).ThenBy(e => e.Millis)
            .Select(e => (Timestamp: (Now - (e.Minutes * Minute) + e.Millis).ToString(CultureInfo.InvariantCulture), Message: "\"" + Messages[e.Message] + "\"", Extra: ""))
            .ToList();
        var at = c.Where % events.Count;
        string? group = Groups[c.Group], stream = Streams[c.Stream], tail = "";
        switch (c.Break)
        {
            case 1: // out of order
                if (events.Count > 1)
                {
                    (events[0], events[^1]) = (events[^1], events[0]);
                }
                break;
            case 2: // a leading run too old (14 days)
                events[0] = events[0] with { Timestamp = (Now - (15 * Day)).ToString(CultureInfo.InvariantCulture) };
                break;
            case 3: // a trailing run too new (2 hours ahead)
                events[^1] = events[^1] with { Timestamp = (Now + (2 * Hour) + 1 + c.Where).ToString(CultureInfo.InvariantCulture) };
                break;
            case 4: // more than 24 hours between the stored events
                events[0] = events[0] with { Timestamp = (Now - (25 * Hour)).ToString(CultureInfo.InvariantCulture) };
                break;
            case 5: // one event over 1 MiB, or a batch over 1 MiB
                events[at] = events[at] with { Message = "\"" + new string('x', c.Where % 2 == 0 ? 1_048_551 : 1_048_550) + "\"" };
                break;
            case 6:
                for (var i = 0; i < events.Count; i++)
                {
                    events[i] = events[i] with { Message = "\"" + new string('y', 1_048_576 / events.Count) + "\"" };
                }
                break;
            case 7: // empty message
                events[at] = events[at] with { Message = "\"\"" };
                break;
            case 8: // missing members
                events[at] = c.Where % 2 == 0 ? events[at] with { Timestamp = null! } : events[at] with { Message = null! };
                break;
            case 9:
                if (c.Where % 2 == 0)
                {
                    group = null;
                }
                else
                {
                    stream = null;
                }
                break;
            case 10: // extra members
                tail = (c.Where % 3) switch { 0 => ",\"entity\":{\"keyAttributes\":{\"Type\":\"Service\"}}", 1 => ",\"sequenceToken\":\"49590302\"", _ => ",\"other\":1" };
                break;
            case 11:
                events[at] = events[at] with { Extra = ",\"extra\":true" };
                break;
            case 12: // nulls
                events[at] = c.Where % 2 == 0 ? events[at] with { Message = "null" } : events[at] with { Timestamp = "null" };
                break;
            case 13: // wrong types and number forms
                events[at] = (c.Where % 5) switch
                {
                    0 => events[at] with { Timestamp = "\"" + events[at].Timestamp + "\"" },
                    1 => events[at] with { Timestamp = events[at].Timestamp + ".0" },
                    2 => events[at] with { Timestamp = events[at].Timestamp[..^3] + "e3" },
                    3 => events[at] with { Message = "42" },
                    _ => events[at] with { Timestamp = "-5" },
                };
                break;
            case 14: // a lone surrogate, and a raw byte that is not UTF-8 (marked, replaced below)
                events[at] = events[at] with { Message = c.Where % 2 == 0 ? "\"a\\ud800b\"" : "\"a\u0001FFb\"" };
                break;
            case 15: // a duplicated member
                events[at] = events[at] with { Extra = ",\"message\":\"again\"" };
                break;
            case 16: // an escaped name
                group = "g\\u0031";
                break;
            case 17: // too many events
                events = [.. Enumerable.Repeat(events[0], 10_001)];
                break;
            case 18:
                events.Clear();
                break;
            case 19: // an event that is not an object
                events[at] = events[at] with { Timestamp = "", Message = "", Extra = "[]" };
                break;
            case 20: // expired in g2 (retention 1 day), kept in g1
                events[0] = events[0] with { Timestamp = (Now - (30 * Hour)).ToString(CultureInfo.InvariantCulture) };
                break;
            default: // 21+: bad JSON (truncated), or valid as generated
                break;
        }

        var sb = new StringBuilder("{");
        var members = new List<string>();
        if (group is not null)
        {
            members.Add($"\"logGroupName\":\"{group}\"");
        }
        if (stream is not null)
        {
            members.Add($"\"logStreamName\":\"{stream}\"");
        }
        members.Add("\"logEvents\":[" + string.Join(',', events.Select(Event)) + "]");
        // Member order varies; the generic decoder does not care, nor may the fast path.
        var rotate = c.Where % members.Count;
        sb.AppendJoin(',', members.Skip(rotate).Concat(members.Take(rotate))).Append(tail).Append('}');
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        if (c.Break == 14)
        {
            var i = Array.IndexOf(bytes, (byte)1);
            if (i >= 0)
            {
                bytes = [.. bytes[..i], 0xFF, .. bytes[(i + 3)..]];
            }
        }
        return c.Break >= 21 && c.Where % 4 == 0 ? bytes[..(c.Where % bytes.Length)] : bytes;

        static string Event((string Timestamp, string Message, string Extra) e)
        {
            if (e.Extra == "[]")
            {
                return "[]";
            }
            var parts = new List<string>();
            if (e.Timestamp is not null)
            {
                parts.Add("\"timestamp\":" + e.Timestamp);
            }
            if (e.Message is not null)
            {
                parts.Add("\"message\":" + e.Message);
            }
            return "{" + string.Join(',', parts) + e.Extra + "}";
        }
    }
}
