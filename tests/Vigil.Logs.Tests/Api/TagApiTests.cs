using Vigil.Protocol.Shapes.Logs;
using static Vigil.Logs.Tests.Api.LogsApiHarness;

namespace Vigil.Logs.Tests.Api;

public sealed class TagApiTests : IAsyncLifetime
{
    private readonly LogsApiHarness _h = new();

    public Task InitializeAsync() => _h.CreateGroupAsync("/t");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<Dictionary<string, string>> TagsAsync(string arn) =>
        (await _h.CallAsync<ListTagsForResourceResponse>("ListTagsForResource", new ListTagsForResourceRequest { ResourceArn = arn })).Tags!;

    [Fact]
    public async Task Tags_are_added_overwritten_and_removed_by_arn()
    {
        (await TagsAsync(GroupArn("/t"))).ShouldBeEmpty();
        await _h.CallAsync("TagResource", new TagResourceRequest { ResourceArn = GroupArn("/t"), Tags = new() { ["a"] = "1", ["b"] = "2" } });
        await _h.CallAsync("TagResource", new TagResourceRequest { ResourceArn = GroupArn("/t"), Tags = new() { ["b"] = "3", ["c"] = "4" } });
        (await TagsAsync(GroupArn("/t"))).ShouldBe(new Dictionary<string, string> { ["a"] = "1", ["b"] = "3", ["c"] = "4" });
        await _h.CallAsync("UntagResource", new UntagResourceRequest { ResourceArn = GroupArn("/t"), TagKeys = ["a", "zz"] });
        (await TagsAsync(GroupArn("/t"))).ShouldBe(new Dictionary<string, string> { ["b"] = "3", ["c"] = "4" });
    }

    [Fact]
    public async Task A_group_holds_at_most_fifty_tags()
    {
        await _h.CallAsync("TagResource", new TagResourceRequest { ResourceArn = GroupArn("/t"), Tags = Enumerable.Range(0, 50).ToDictionary(i => $"k{i}", _ => "v") });
        // Overwriting existing keys does not count against the limit.
        await _h.CallAsync("TagResource", new TagResourceRequest { ResourceArn = GroupArn("/t"), Tags = new() { ["k0"] = "new" } });
        var e = await _h.FailsAsync("TooManyTagsException", "TagResource", new TagResourceRequest { ResourceArn = GroupArn("/t"), Tags = new() { ["k50"] = "v" } });
        e.Message.ShouldBe("A resource can have no more than 50 tags.");
        ((TooManyTagsException)e.Detail!).ResourceName.ShouldBe(GroupArn("/t"));
        await _h.FailsAsync("InvalidParameterException", "TagLogGroup", new TagLogGroupRequest { LogGroupName = "/t", Tags = new() { ["k51"] = "v" } });
        (await TagsAsync(GroupArn("/t"))).Count.ShouldBe(50);
        (await TagsAsync(GroupArn("/t")))["k0"].ShouldBe("new");
    }

    [Fact]
    public async Task Bad_arns_keys_and_missing_groups_are_refused()
    {
        await _h.FailsAsync("InvalidParameterException", "TagResource", new TagResourceRequest { ResourceArn = "not-an-arn", Tags = new() { ["a"] = "1" } });
        // The tagging operations take the ARN without :* (the model's pattern [\w+=/:,.@-]* has no '*').
        (await _h.FailsAsync("InvalidParameterException", "TagResource", new TagResourceRequest { ResourceArn = GroupArn("/t") + ":*", Tags = new() { ["a"] = "1" } }))
            .Message.ShouldContain("at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern");
        await _h.FailsAsync("ResourceNotFoundException", "TagResource", new TagResourceRequest { ResourceArn = GroupArn("/none"), Tags = new() { ["a"] = "1" } });
        await _h.FailsAsync("ResourceNotFoundException", "TagResource", new TagResourceRequest { ResourceArn = GroupArn("/t", OtherAccount), Tags = new() { ["a"] = "1" } });
        await _h.FailsAsync("ResourceNotFoundException", "ListTagsForResource", new ListTagsForResourceRequest { ResourceArn = $"arn:aws:logs:{Region}:{Account}:destination:d" });
        await _h.FailsAsync("InvalidParameterException", "TagResource", new TagResourceRequest { ResourceArn = GroupArn("/t"), Tags = new() { ["aws:x"] = "1" } });
        await _h.FailsAsync("InvalidParameterException", "TagResource", new TagResourceRequest { ResourceArn = GroupArn("/t"), Tags = [] });
        await _h.FailsAsync("ResourceNotFoundException", "UntagResource", new UntagResourceRequest { ResourceArn = GroupArn("/none"), TagKeys = ["a"] });
        (await TagsAsync(GroupArn("/t"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_legacy_tag_operations_work_by_name()
    {
        await _h.CallAsync("TagLogGroup", new TagLogGroupRequest { LogGroupName = "/t", Tags = new() { ["team"] = "core", ["env"] = "dev" } });
        await _h.CallAsync("UntagLogGroup", new UntagLogGroupRequest { LogGroupName = "/t", Tags = ["env"] });
        var r = await _h.CallAsync<ListTagsLogGroupResponse>("ListTagsLogGroup", new ListTagsLogGroupRequest { LogGroupName = "/t" });
        r.Tags.ShouldBe(new Dictionary<string, string> { ["team"] = "core" });
        await _h.FailsAsync("ResourceNotFoundException", "ListTagsLogGroup", new ListTagsLogGroupRequest { LogGroupName = "/none" });
        await _h.FailsAsync("ResourceNotFoundException", "TagLogGroup", new TagLogGroupRequest { LogGroupName = "/none", Tags = new() { ["a"] = "1" } });
        await _h.FailsAsync("InvalidParameterException", "UntagLogGroup", new UntagLogGroupRequest { LogGroupName = "/t", Tags = [] });
    }
}
