using System.Text;
using Vigil.Protocol.Codecs.AwsQuery;

namespace Vigil.Protocol.Tests.Codecs;

/// <summary>
/// The gateway routes a body-only awsQuery form by scanning it for Action and Version, and builds the parameter tree
/// only when the generic decoder needs it: the scan must find what the tree would hold, or decline.
/// </summary>
public sealed class QueryFormScanTests
{
    private static readonly string[] Keys = ["Action", "Version", "Act%69on", "Ver%73ion", "Action+", "action", "Namespace", "A.b.1", "", "Versio"];
    private static readonly string[] Values = ["PutMetricData", "2010-08-01", "Get%43allerIdentity", "a+b", "", "x%zz", "%E2%82%AC"];

    [Fact]
    public void The_scan_finds_what_the_parsed_form_holds_or_declines()
    {
        var rng = new Random(5);
        var declined = 0;
        for (var run = 0; run < 5000; run++)
        {
            var pairs = Enumerable.Range(0, rng.Next(0, 7)).Select(_ =>
            {
                var key = Keys[rng.Next(Keys.Length)];
                return rng.Next(10) == 0 ? key : key + "=" + Values[rng.Next(Values.Length)];
            });
            var form = Encoding.UTF8.GetBytes(string.Join(rng.Next(20) == 0 ? "&&" : "&", pairs));
            var tree = QueryParameters.Parse(form);
            if (QueryParameters.TryScanActionAndVersion(form, out var action, out var version))
            {
                action.ShouldBe(tree.Child("Action")?.Value, Encoding.UTF8.GetString(form));
                version.ShouldBe(tree.Child("Version")?.Value, Encoding.UTF8.GetString(form));
            }
            else
            {
                Encoding.UTF8.GetString(form).ShouldMatch("(^|&)(Act%69on|Ver%73ion)", "declines only for an escaped key");
                declined++;
            }
        }
        declined.ShouldBeGreaterThan(100);
    }

    [Fact]
    public void The_last_of_repeated_names_wins_as_in_the_tree()
    {
        QueryParameters.TryScanActionAndVersion("Action=A&Version=1&Action=B"u8, out var action, out var version).ShouldBeTrue();
        (action, version).ShouldBe(("B", "1"));
        QueryParameters.TryScanActionAndVersion("Namespace=x&Action"u8, out action, out version).ShouldBeTrue();
        (action, version).ShouldBe(("", null));
        QueryParameters.TryScanActionAndVersion("%41ction=A"u8, out _, out _).ShouldBeFalse();
    }
}
