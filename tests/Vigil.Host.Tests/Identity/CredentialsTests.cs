using Vigil.Host.Tests.TestSupport;
using Vigil.Identity.Credentials;

namespace Vigil.Host.Tests.Identity;

public sealed class CredentialsTests
{
    [Fact]
    public void Parses_sections_with_account_and_user()
    {
        using var dir = new TempDir();
        var entries = CredentialsFile.Parse(File.ReadAllText(Credentials.Write(dir)), "creds");
        entries.Count.ShouldBe(2);
        entries[0].ShouldBe(new CredentialEntry("alice", Credentials.AliceKey, Credentials.AliceSecret, "111111111111", "alice"));
        entries[1].AccountId.ShouldBe("222222222222");
    }

    [Theory]
    [InlineData("aws_access_key_id = A\n", "inside a [section]")]
    [InlineData("[x]\naws_secret_access_key = s\n", "lacks aws_access_key_id")]
    [InlineData("[x]\naws_access_key_id = A\naws_secret_access_key = s\naccount_id = 12\n", "12 digits")]
    [InlineData("[x\n", "must end with ']'")]
    public void Malformed_files_name_the_problem(string text, string expected)
    {
        Should.Throw<FormatException>(() => CredentialsFile.Parse(text, "creds")).Message.ShouldContain(expected);
    }

    [Fact]
    public void Format_then_parse_round_trips()
    {
        var e = new CredentialEntry("p", "AKIAX", "s/e+c=", "123456789012", "u");
        CredentialsFile.Parse(CredentialsFile.Format([e]), "x").ShouldHaveSingleItem().ShouldBe(e);
    }

    [Fact]
    public void First_start_generates_a_key_pair_once_and_keeps_it_private()
    {
        using var dir = new TempDir();
        var first = CredentialBootstrap.Load(null, dir.Path);
        first.Generated.ShouldBeTrue();
        var key = first.Entries.ShouldHaveSingleItem();
        key.AccessKeyId.ShouldMatch("^AKIA[A-Z2-7]{16}$");
        key.SecretAccessKey.Length.ShouldBe(40);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(dir.File("credentials")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var second = CredentialBootstrap.Load(null, dir.Path);
        second.Generated.ShouldBeFalse();
        second.Entries.ShouldHaveSingleItem().ShouldBe(key);

        var usage = CredentialBootstrap.UsageText(key, "http://127.0.0.1:4566", "us-east-1");
        usage.ShouldContain($"export AWS_ACCESS_KEY_ID={key.AccessKeyId}");
        usage.ShouldContain("aws --endpoint-url http://127.0.0.1:4566 sts get-caller-identity");
    }

    [Fact]
    public void Store_resolves_known_keys_and_rejects_unknown_ones()
    {
        using var dir = new TempDir();
        var store = new CredentialStore(CredentialsFile.Parse(File.ReadAllText(Credentials.Write(dir)), "c"), noAuth: false);
        store.TryResolve(Credentials.BobKey, out var secret, out var bob).ShouldBeTrue();
        secret.ShouldBe(Credentials.BobSecret);
        bob.Arn.ShouldBe("arn:aws:iam::222222222222:user/bob");
        bob.PrincipalId.ShouldMatch("^AIDA[A-Z2-7]{17}$");
        store.TryResolve("AKIANOBODY", out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void Development_mode_gives_each_key_its_own_stable_account()
    {
        var store = new CredentialStore([], noAuth: true);
        store.TryResolve("AKIAONE", out _, out var one).ShouldBeTrue();
        store.TryResolve("AKIATWO", out _, out var two).ShouldBeTrue();
        one.AccountId.ShouldNotBe(two.AccountId);
        one.AccountId.ShouldMatch("^[0-9]{12}$");
        CredentialStore.DevAccountFor("AKIAONE").ShouldBe(one.AccountId);
    }

    [Fact]
    public void Root_user_has_the_account_arn()
    {
        var root = CredentialStore.ToIdentity("123456789012", "root", "AKIA");
        root.Arn.ShouldBe("arn:aws:iam::123456789012:root");
        root.PrincipalId.ShouldBe("123456789012");
    }
}
