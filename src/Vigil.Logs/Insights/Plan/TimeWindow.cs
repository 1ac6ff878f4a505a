namespace Vigil.Logs.Insights.Plan;

/// <summary>A span of event timestamps, both ends inclusive, epoch milliseconds.</summary>
public readonly record struct TimeWindow(long StartTime, long EndTime);
