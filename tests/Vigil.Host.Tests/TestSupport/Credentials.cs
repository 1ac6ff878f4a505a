namespace Vigil.Host.Tests.TestSupport;

public static class Credentials
{
    public const string AliceKey = "AKIAALICE00000000001";
    public const string AliceSecret = "alice-secret";
    public const string BobKey = "AKIABOB0000000000002";
    public const string BobSecret = "bob-secret";

    public static string Write(TempDir dir)
    {
        var path = dir.File("credentials");
        File.WriteAllText(path, $"""
            # two users in two accounts
            [alice]
            aws_access_key_id = {AliceKey}
            aws_secret_access_key = {AliceSecret}
            account_id = 111111111111
            user = alice

            [bob]
            aws_access_key_id = {BobKey}
            aws_secret_access_key = {BobSecret}
            account_id = 222222222222
            user = bob
            """);
        return path;
    }
}
