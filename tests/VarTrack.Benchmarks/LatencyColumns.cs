using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace VarTrack.Benchmarks;

/// <summary>Latency benchmarks report the distribution, not only the mean: median (p50), p95, min and max.</summary>
public sealed class LatencyColumns : ManualConfig
{
    public LatencyColumns() => AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);
}
