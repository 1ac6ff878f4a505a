using Vigil.Bench;
using Vigil.Bench.Logs;

// Subcommands: ingest-engine, ingest-http, query (metrics); logs-ingest-engine, logs-query-engine, logs-query-http, logs-insights, logs-insights-http (logs); audit-seal (audit trail). Each prints one result line and then a one-line JSON summary.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(BenchArgs.Usage);
    return args.Length == 0 ? 2 : 0;
}
try
{
    var options = BenchArgs.Parse(args.AsSpan(1));
    return args[0] switch
    {
        "ingest-engine" => await EngineIngest.RunAsync(options).ConfigureAwait(false),
        "ingest-http" => await HttpIngest.RunAsync(options).ConfigureAwait(false),
        "query" => await QueryBench.RunAsync(options).ConfigureAwait(false),
        "query-engine" => await EngineQuery.RunAsync(options).ConfigureAwait(false),
        "logs-ingest-engine" => await LogEngineIngest.RunAsync(options).ConfigureAwait(false),
        "logs-query-engine" => await LogEngineQuery.RunAsync(options).ConfigureAwait(false),
        "logs-query-http" => await LogHttpQuery.RunAsync(options).ConfigureAwait(false),
        "logs-insights" => await LogInsightsQuery.RunAsync(options).ConfigureAwait(false),
        "logs-insights-http" => await LogInsightsHttp.RunAsync(options).ConfigureAwait(false),
        "audit-seal" => await AuditSeal.RunAsync(options).ConfigureAwait(false),
        _ => throw new ArgumentException($"unknown subcommand '{args[0]}'"),
    };
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"Vigil.Bench: {e.Message}\n\n{BenchArgs.Usage}").ConfigureAwait(false);
    return 2;
}
catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or HttpRequestException or NotSupportedException)
{
    // A refused call, unreadable input or an unreachable server: the message says which; no stack trace needed.
    await Console.Error.WriteLineAsync($"Vigil.Bench: {e.Message}").ConfigureAwait(false);
    return 1;
}
