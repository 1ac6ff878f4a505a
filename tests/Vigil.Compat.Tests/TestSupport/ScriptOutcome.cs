using System.Text.Json;

namespace Vigil.Compat.Tests.TestSupport;

/// <summary>The one JSON object a client script (boto3_compat.py, compat.mjs) prints, with the run it came from.</summary>
public sealed class ScriptOutcome : IDisposable
{
    private readonly JsonDocument _doc;

    private ScriptOutcome(ProcessResult run, JsonDocument doc)
    {
        Run = run;
        _doc = doc;
    }

    public ProcessResult Run { get; }
    public JsonElement Root => _doc.RootElement;

    /// <summary>True when the call succeeded, false when the SDK raised a service error.</summary>
    public bool Ok => Root.GetProperty("ok").GetBoolean();

    /// <summary>A string member; null when absent or JSON null. Dotted names reach into objects ("wire.content_type").</summary>
    public string? Text(string path)
    {
        var e = Root;
        foreach (var part in path.Split('.'))
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(part, out e))
            {
                return null;
            }
        }
        return e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Null => null,
            _ => e.GetRawText(),
        };
    }

    /// <summary>Parses the script's stdout; fails the test, showing the whole run, when the script itself failed.</summary>
    public static ScriptOutcome From(ProcessResult run)
    {
        run.ExitCode.ShouldBe(0, $"the client script failed\n{run}");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(run.Stdout);
        }
        catch (JsonException e)
        {
            throw new ShouldAssertException($"the client script printed no JSON ({e.Message})\n{run}");
        }
        return new ScriptOutcome(run, doc);
    }

    public override string ToString() => Run.ToString();

    public void Dispose() => _doc.Dispose();
}
