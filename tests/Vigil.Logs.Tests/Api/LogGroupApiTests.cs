using Vigil.Protocol.Shapes.Logs;
using static Vigil.Logs.Tests.Api.LogsApiHarness;

namespace Vigil.Logs.Tests.Api;

public sealed class LogGroupApiTests : IAsyncLifetime
{
    private readonly LogsApiHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_created_group_is_described_with_every_field()
    {
        await _h.CallAsync("CreateLogGroup", new CreateLogGroupRequest
        {
            LogGroupName = "/app/web",
            KmsKeyId = "arn:aws:kms:us-east-1:111111111111:key/k1",
            LogGroupClass = "INFREQUENT_ACCESS",
            DeletionProtectionEnabled = true,
        });

        var g = await _h.DescribeGroupAsync("/app/web");
        g.LogGroupName.ShouldBe("/app/web");
        g.CreationTime.ShouldBe(Now);
        g.Arn.ShouldBe("arn:aws:logs:us-east-1:111111111111:log-group:/app/web:*");
        g.LogGroupArn.ShouldBe("arn:aws:logs:us-east-1:111111111111:log-group:/app/web");
        g.MetricFilterCount.ShouldBe(0);
        g.StoredBytes.ShouldBe(0);
        g.RetentionInDays.ShouldBeNull();
        g.KmsKeyId.ShouldBe("arn:aws:kms:us-east-1:111111111111:key/k1");
        g.LogGroupClass.ShouldBe("INFREQUENT_ACCESS");
        g.DeletionProtectionEnabled.ShouldBe(true);
    }

    [Fact]
    public async Task Defaults_are_standard_class_no_protection_no_key()
    {
        await _h.CreateGroupAsync("plain");
        var g = await _h.DescribeGroupAsync("plain");
        g.LogGroupClass.ShouldBe("STANDARD");
        g.DeletionProtectionEnabled.ShouldBe(false);
        g.KmsKeyId.ShouldBeNull();
    }

    [Fact]
    public async Task Creating_an_existing_group_is_ResourceAlreadyExists()
    {
        await _h.CreateGroupAsync("dup");
        var e = await _h.FailsAsync("ResourceAlreadyExistsException", "CreateLogGroup", new CreateLogGroupRequest { LogGroupName = "dup" });
        e.Message.ShouldBe("The specified log group already exists");
    }

    [Theory]
    [InlineData("aws/lambda/f")]
    [InlineData("AWS/lambda/f")]
    [InlineData("Aws/x")]
    public async Task Names_under_aws_are_reserved(string name)
    {
        var e = await _h.FailsAsync("InvalidParameterException", "CreateLogGroup", new CreateLogGroupRequest { LogGroupName = name });
        e.Message.ShouldBe("Log groups starting with AWS/ are reserved for AWS.");
    }

    [Fact]
    public async Task Names_break_the_models_rules_with_InvalidParameterException()
    {
        var space = await _h.FailsAsync("InvalidParameterException", "CreateLogGroup", new CreateLogGroupRequest { LogGroupName = "bad name" });
        space.Message.ShouldBe(@"1 validation error detected: Value 'bad name' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+");
        var longName = await _h.FailsAsync("InvalidParameterException", "CreateLogGroup", new CreateLogGroupRequest { LogGroupName = new string('a', 513) });
        longName.Message.ShouldContain("Member must have length less than or equal to 512");
        var missing = await _h.FailsAsync("InvalidParameterException", "CreateLogGroup", new CreateLogGroupRequest());
        missing.Message.ShouldBe("1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null");
        await _h.CreateGroupAsync(new string('a', 512));
        await _h.CreateGroupAsync("a.b-c_d/e#F9");
    }

    [Fact]
    public async Task Tags_on_create_are_checked_and_kept()
    {
        await _h.CallAsync("CreateLogGroup", new CreateLogGroupRequest { LogGroupName = "tagged", Tags = new() { ["env"] = "prod", ["team"] = "core" } });
        var tags = await _h.CallAsync<ListTagsForResourceResponse>("ListTagsForResource", new ListTagsForResourceRequest { ResourceArn = GroupArn("tagged") });
        tags.Tags.ShouldBe(new Dictionary<string, string> { ["env"] = "prod", ["team"] = "core" });

        var many = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v");
        (await _h.FailsAsync("InvalidParameterException", "CreateLogGroup", new CreateLogGroupRequest { LogGroupName = "many", Tags = many }))
            .Message.ShouldContain("Member must have length less than or equal to 50");
        await _h.FailsAsync("InvalidParameterException", "CreateLogGroup", new CreateLogGroupRequest { LogGroupName = "reserved", Tags = new() { ["aws:owner"] = "x" } });
        await _h.FailsAsync("InvalidParameterException", "CreateLogGroup", new CreateLogGroupRequest { LogGroupName = "badkey", Tags = new() { ["a*b"] = "x" } });
        var groups = await _h.CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", new DescribeLogGroupsRequest());
        groups.LogGroups!.Select(g => g.LogGroupName).ShouldBe(["tagged"]);
    }

    [Fact]
    public async Task Deleting_removes_the_group_and_a_missing_group_is_ResourceNotFound()
    {
        await _h.CreateGroupAsync("gone");
        await _h.CallAsync("DeleteLogGroup", new DeleteLogGroupRequest { LogGroupName = "gone" });
        (await _h.CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", new DescribeLogGroupsRequest())).LogGroups.ShouldBeEmpty();
        var e = await _h.FailsAsync("ResourceNotFoundException", "DeleteLogGroup", new DeleteLogGroupRequest { LogGroupName = "gone" });
        e.Message.ShouldBe("The specified log group does not exist.");
        await _h.CreateGroupAsync("gone");
    }

    [Fact]
    public async Task Retention_takes_only_the_documented_values()
    {
        await _h.CreateGroupAsync("r");
        await _h.CallAsync("PutRetentionPolicy", new PutRetentionPolicyRequest { LogGroupName = "r", RetentionInDays = 7 });
        (await _h.DescribeGroupAsync("r")).RetentionInDays.ShouldBe(7);
        foreach (var days in new[] { 1, 3, 5, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 })
        {
            await _h.CallAsync("PutRetentionPolicy", new PutRetentionPolicyRequest { LogGroupName = "r", RetentionInDays = days });
        }

        foreach (var days in new[] { 0, 2, 8, 366, 3654, -1 })
        {
            var e = await _h.FailsAsync("InvalidParameterException", "PutRetentionPolicy", new PutRetentionPolicyRequest { LogGroupName = "r", RetentionInDays = days });
            e.Message.ShouldBe($"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]");
        }

        (await _h.DescribeGroupAsync("r")).RetentionInDays.ShouldBe(3653);
        await _h.CallAsync("DeleteRetentionPolicy", new DeleteRetentionPolicyRequest { LogGroupName = "r" });
        (await _h.DescribeGroupAsync("r")).RetentionInDays.ShouldBeNull();
        await _h.FailsAsync("ResourceNotFoundException", "PutRetentionPolicy", new PutRetentionPolicyRequest { LogGroupName = "none", RetentionInDays = 1 });
        await _h.FailsAsync("ResourceNotFoundException", "DeleteRetentionPolicy", new DeleteRetentionPolicyRequest { LogGroupName = "none" });
    }

    [Fact]
    public async Task Describe_filters_by_prefix_case_sensitive_pattern_class_and_identifiers()
    {
        foreach (var name in new[] { "/app/DataLogs", "/app/datalogs", "GroupDataLogs", "/other/x" })
        {
            await _h.CreateGroupAsync(name);
        }

        await _h.CallAsync("CreateLogGroup", new CreateLogGroupRequest { LogGroupName = "/app/ia", LogGroupClass = "INFREQUENT_ACCESS" });

        async Task<string[]> Names(DescribeLogGroupsRequest r) =>
            [.. (await _h.CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", r)).LogGroups!.Select(g => g.LogGroupName!)];

        (await Names(new DescribeLogGroupsRequest())).ShouldBe(["/app/DataLogs", "/app/datalogs", "/app/ia", "/other/x", "GroupDataLogs"]);
        (await Names(new DescribeLogGroupsRequest { LogGroupNamePrefix = "/app/" })).ShouldBe(["/app/DataLogs", "/app/datalogs", "/app/ia"]);
        (await Names(new DescribeLogGroupsRequest { LogGroupNamePattern = "DataLogs" })).ShouldBe(["/app/DataLogs", "GroupDataLogs"]);
        (await Names(new DescribeLogGroupsRequest { LogGroupClass = "INFREQUENT_ACCESS" })).ShouldBe(["/app/ia"]);
        (await Names(new DescribeLogGroupsRequest { LogGroupIdentifiers = ["/other/x", GroupArn("/app/ia"), GroupArn("/app/ia", OtherAccount)] })).ShouldBe(["/app/ia", "/other/x"]);

        // A pattern trims each group to its name, ARN and creation time.
        var trimmed = (await _h.CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", new DescribeLogGroupsRequest { LogGroupNamePattern = "ia" })).LogGroups!.ShouldHaveSingleItem();
        trimmed.Arn.ShouldBe(GroupArn("/app/ia") + ":*");
        trimmed.CreationTime.ShouldBe(Now);
        trimmed.LogGroupClass.ShouldBeNull();
        trimmed.StoredBytes.ShouldBeNull();

        await _h.FailsAsync("InvalidParameterException", "DescribeLogGroups", new DescribeLogGroupsRequest { LogGroupNamePrefix = "/app", LogGroupNamePattern = "x" });
        await _h.FailsAsync("InvalidParameterException", "DescribeLogGroups", new DescribeLogGroupsRequest { LogGroupNamePrefix = "/app", LogGroupIdentifiers = ["/other/x"] });
        // Identifiers follow the model's pattern [\w#+=/:,.@-]*: the ARN form ending in :* is refused, as by AWS.
        await _h.FailsAsync("InvalidParameterException", "DescribeLogGroups", new DescribeLogGroupsRequest { LogGroupIdentifiers = [GroupArn("/app/ia") + ":*"] });
        await _h.FailsAsync("InvalidParameterException", "DescribeLogGroups", new DescribeLogGroupsRequest { Limit = 51 });
        await _h.FailsAsync("InvalidParameterException", "DescribeLogGroups", new DescribeLogGroupsRequest { Limit = 0 });
    }

    [Fact]
    public async Task Describe_pages_with_tokens_bound_to_the_request()
    {
        foreach (var name in new[] { "e", "c", "a", "d", "b" })
        {
            await _h.CreateGroupAsync(name);
        }

        var pages = new List<string[]>();
        string? token = null;
        do
        {
            var r = await _h.CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", new DescribeLogGroupsRequest { Limit = 2, NextToken = token });
            pages.Add([.. r.LogGroups!.Select(g => g.LogGroupName!)]);
            token = r.NextToken;
        }
        while (token is not null);

        pages.ShouldBe([["a", "b"], ["c", "d"], ["e"]]);

        var first = await _h.CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", new DescribeLogGroupsRequest { Limit = 2 });
        var e = await _h.FailsAsync("InvalidParameterException", "DescribeLogGroups", new DescribeLogGroupsRequest { Limit = 2, LogGroupNamePrefix = "c", NextToken = first.NextToken });
        e.Message.ShouldBe("The specified nextToken is invalid.");
        await _h.FailsAsync("InvalidParameterException", "DescribeLogGroups", new DescribeLogGroupsRequest { NextToken = "garbage!" });
        await _h.FailsAsync("InvalidParameterException", "DescribeLogGroups", new DescribeLogGroupsRequest { NextToken = first.NextToken }, OtherAccount);
    }

    [Fact]
    public async Task Accounts_and_regions_never_see_each_others_groups()
    {
        await _h.CreateGroupAsync("shared-name");
        (await _h.CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", new DescribeLogGroupsRequest(), OtherAccount)).LogGroups.ShouldBeEmpty();
        (await _h.CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", new DescribeLogGroupsRequest(), region: "eu-west-1")).LogGroups.ShouldBeEmpty();
        await _h.FailsAsync("ResourceNotFoundException", "DeleteLogGroup", new DeleteLogGroupRequest { LogGroupName = "shared-name" }, OtherAccount);
        await _h.FailsAsync("ResourceNotFoundException", "ListTagsForResource", new ListTagsForResourceRequest { ResourceArn = GroupArn("shared-name") }, OtherAccount);

        await _h.CreateGroupAsync("shared-name", OtherAccount);
        (await _h.DescribeGroupAsync("shared-name", OtherAccount)).Arn.ShouldBe("arn:aws:logs:us-east-1:222222222222:log-group:shared-name:*");
        (await _h.DescribeGroupAsync("shared-name")).Arn.ShouldBe("arn:aws:logs:us-east-1:111111111111:log-group:shared-name:*");
    }

    [Fact]
    public async Task Linked_accounts_are_only_ever_the_callers_own()
    {
        await _h.CreateGroupAsync("mine");
        var own = await _h.CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", new DescribeLogGroupsRequest { IncludeLinkedAccounts = true, AccountIdentifiers = [Account] });
        own.LogGroups!.ShouldHaveSingleItem().LogGroupName.ShouldBe("mine");
        var others = await _h.CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", new DescribeLogGroupsRequest { IncludeLinkedAccounts = true, AccountIdentifiers = [OtherAccount] });
        others.LogGroups.ShouldBeEmpty();
    }

    [Fact]
    public async Task Kms_keys_are_associated_and_disassociated_by_name_or_arn()
    {
        await _h.CreateGroupAsync("k");
        await _h.CallAsync("AssociateKmsKey", new AssociateKmsKeyRequest { LogGroupName = "k", KmsKeyId = "key-1" });
        (await _h.DescribeGroupAsync("k")).KmsKeyId.ShouldBe("key-1");
        await _h.CallAsync("AssociateKmsKey", new AssociateKmsKeyRequest { ResourceIdentifier = GroupArn("k"), KmsKeyId = "key-2" });
        (await _h.DescribeGroupAsync("k")).KmsKeyId.ShouldBe("key-2");
        await _h.CallAsync("DisassociateKmsKey", new DisassociateKmsKeyRequest { LogGroupName = "k" });
        (await _h.DescribeGroupAsync("k")).KmsKeyId.ShouldBeNull();
        await _h.CallAsync("AssociateKmsKey", new AssociateKmsKeyRequest { ResourceIdentifier = $"arn:aws:logs:{Region}:{Account}:query-result:*", KmsKeyId = "key-3" });

        await _h.FailsAsync("InvalidParameterException", "AssociateKmsKey", new AssociateKmsKeyRequest { LogGroupName = "k", ResourceIdentifier = GroupArn("k"), KmsKeyId = "x" });
        await _h.FailsAsync("InvalidParameterException", "DisassociateKmsKey", new DisassociateKmsKeyRequest());
        await _h.FailsAsync("ResourceNotFoundException", "AssociateKmsKey", new AssociateKmsKeyRequest { LogGroupName = "none", KmsKeyId = "x" });
    }

    [Fact]
    public async Task Deletion_protection_blocks_deleting_the_group_and_its_streams_until_disabled()
    {
        await _h.CallAsync("CreateLogGroup", new CreateLogGroupRequest { LogGroupName = "p", DeletionProtectionEnabled = true });
        await _h.CreateStreamAsync("p", "s");
        var e = await _h.FailsAsync("ValidationException", "DeleteLogGroup", new DeleteLogGroupRequest { LogGroupName = "p" });
        e.Message.ShouldBe("Cannot delete log group with deletion protection enabled. Disable deletion protection first.");
        await _h.FailsAsync("ValidationException", "DeleteLogStream", new DeleteLogStreamRequest { LogGroupName = "p", LogStreamName = "s" });

        await _h.CallAsync("PutLogGroupDeletionProtection", new PutLogGroupDeletionProtectionRequest { LogGroupIdentifier = GroupArn("p"), DeletionProtectionEnabled = false });
        (await _h.DescribeGroupAsync("p")).DeletionProtectionEnabled.ShouldBe(false);
        await _h.CallAsync("DeleteLogStream", new DeleteLogStreamRequest { LogGroupName = "p", LogStreamName = "s" });
        await _h.CallAsync("DeleteLogGroup", new DeleteLogGroupRequest { LogGroupName = "p" });
        await _h.FailsAsync("ResourceNotFoundException", "PutLogGroupDeletionProtection", new PutLogGroupDeletionProtectionRequest { LogGroupIdentifier = "p", DeletionProtectionEnabled = true });
        await _h.FailsAsync("ResourceNotFoundException", "PutLogGroupDeletionProtection", new PutLogGroupDeletionProtectionRequest { LogGroupIdentifier = GroupArn("p", OtherAccount), DeletionProtectionEnabled = true });
    }
}
