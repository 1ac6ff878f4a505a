using System.Text.Json;

namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>One step of a property selector: a named property, an array index, or <c>*</c> (every element of an
/// array or every property value of an object).</summary>
internal readonly record struct SelectorStep(string? Name, int Index, bool IsWildcard)
{
    public static SelectorStep Property(string name) => new(name, -1, IsWildcard: false);

    public static SelectorStep Element(int index) => new(null, index, IsWildcard: false);

    public static SelectorStep Any() => new(null, -1, IsWildcard: true);
}

/// <summary>A property selector such as <c>$.objectList[1].id</c> or <c>$.arrayKey[*]</c>, resolved against the
/// message's root object. A wildcard step makes it reach several values; a condition holds if it holds for any.</summary>
internal sealed class JsonSelector(SelectorStep[] steps)
{
    /// <summary>True if <paramref name="test"/> holds for some value the selector reaches from <paramref name="root"/>.
    /// Generic over a struct test so the hot path neither boxes nor allocates a delegate.</summary>
    public bool Any<TTest>(JsonElement root, in TTest test)
        where TTest : struct, IJsonValueTest => Walk(root, 0, test);

    private bool Walk<TTest>(JsonElement current, int step, in TTest test)
        where TTest : struct, IJsonValueTest
    {
        if (step == steps.Length)
        {
            return test.Test(current);
        }
        var s = steps[step];
        if (s.IsWildcard)
        {
            if (current.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in current.EnumerateArray())
                {
                    if (Walk(element, step + 1, test))
                    {
                        return true;
                    }
                }
            }
            else if (current.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in current.EnumerateObject())
                {
                    if (Walk(property.Value, step + 1, test))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        if (s.Name is not null)
        {
            return current.ValueKind == JsonValueKind.Object && current.TryGetProperty(s.Name, out var child)
                && Walk(child, step + 1, test);
        }
        return current.ValueKind == JsonValueKind.Array && s.Index < current.GetArrayLength()
            && Walk(current[s.Index], step + 1, test);
    }
}

internal interface IJsonValueTest
{
    bool Test(JsonElement value);
}
