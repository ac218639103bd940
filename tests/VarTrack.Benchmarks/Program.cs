using BenchmarkDotNet.Running;

namespace VarTrack.Benchmarks;

public static class Program
{
    /// <summary>dotnet run -c Release --project tests/VarTrack.Benchmarks -- --filter '*'</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
