namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// One log event as the scanner hands it to the executor. <see cref="LogGroup"/> is the <c>@log</c> value,
/// <c>accountId:logGroupName</c>; <see cref="Seq"/> orders events with equal timestamps and goes into <c>@ptr</c>.
/// </summary>
public readonly record struct LogEventInput(string LogGroup, string LogStream, long Timestamp, long IngestionTime, long Seq, string Message);
