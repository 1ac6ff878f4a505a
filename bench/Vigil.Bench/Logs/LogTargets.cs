using System.Net;
using System.Text;

namespace Vigil.Bench.Logs;

/// <summary>Creates every log group and stream an awsbatch file writes to, before the timed PutLogEvents run.</summary>
internal static class LogTargets
{
    public static async Task CreateAsync(SignedClient client, string input)
    {
        var targets = new SortedSet<(string Group, string Stream)>();
        using (var file = new BodyFile(input))
        {
            while (file.TryRead(out var line))
            {
                var batch = LogBatch.Parse(line);
                targets.Add((batch.Group, batch.Stream));
            }
        }

        foreach (var group in targets.Select(t => t.Group).Distinct())
        {
            await CallAsync(client, "CreateLogGroup", $$"""{"logGroupName":"{{group}}"}""").ConfigureAwait(false);
        }

        foreach (var (group, stream) in targets)
        {
            await CallAsync(client, "CreateLogStream", $$"""{"logGroupName":"{{group}}","logStreamName":"{{stream}}"}""").ConfigureAwait(false);
        }
    }

    private static async Task CallAsync(SignedClient client, string operation, string body)
    {
        var (status, response) = await client.SendAsync(Encoding.UTF8.GetBytes(body), operation).ConfigureAwait(false);
        var text = Encoding.UTF8.GetString(response);
        if (status != HttpStatusCode.OK && !text.Contains("ResourceAlreadyExistsException", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{operation} answered {(int)status}: {text}");
        }
    }
}
