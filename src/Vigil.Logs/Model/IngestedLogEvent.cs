namespace Vigil.Logs.Model;

/// <summary>One stored log event: its own timestamp and the server's ingestion time (both epoch milliseconds).</summary>
public readonly record struct IngestedLogEvent(long Timestamp, long IngestionTime, string Message);
