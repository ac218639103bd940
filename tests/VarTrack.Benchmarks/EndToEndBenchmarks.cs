using System.Text;
using BenchmarkDotNet.Attributes;
using VarTrack.Core.Config;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;
using VarTrack.Core.Planning;

namespace VarTrack.Benchmarks;

/// <summary>
/// The engine's hot path on one file: parse + root key + environment slice + flatten + plan against a snapshot that
/// differs in a few keys. Targets (issue 3): 100k keys end to end under 1 s and under 300 MB allocated.
/// </summary>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    private byte[] _content = [];
    private Snapshot _current = Snapshot.Empty;
    private static readonly string[] Environments = ["development", "staging", "production"];

    [Params(1_000, 100_000)]
    public int Keys { get; set; }

    [Params("yaml", "json")]
    public string Format { get; set; } = "yaml";

    [GlobalSetup]
    public void Setup()
    {
        _content = Encoding.UTF8.GetBytes(Format == "yaml" ? GeneratedDocuments.Yaml(Keys) : GeneratedDocuments.Json(Keys));
        var desired = Run(Snapshot.Empty).Desired;
        // The destination already holds the previous apply, with every 100th key different.
        var values = new Dictionary<string, FlatValue>(StringComparer.Ordinal);
        var i = 0;
        foreach (var (key, value) in desired)
            values[key] = i++ % 100 == 0 ? FlatValue.Text("old") : value;
        _current = new Snapshot(values, null);
        Console.WriteLine($"// {Format} {Keys} keys requested: {_content.Length / 1024.0 / 1024.0:0.00} MiB, {desired.Count} flat keys");
    }

    [Benchmark]
    public int ParseSliceFlattenPlan() => Run(_current).Changes.Changes.Count;

    private (FlatMap Desired, ChangeSet Changes) Run(Snapshot current)
    {
        var file = "configs/app." + Format;
        var document = new ConfigFileReader().Read(file, _content);
        var root = RootKeySelector.Select(document, file, RuleDefinition.DefaultRootKey, required: false);
        var sliced = EnvironmentSlicer.Slice(root, "production", Environments, file);
        var flat = Flattener.Flatten(sliced, file);
        return (flat, Planner.Plan(flat, current, PlanOptions.Default));
    }
}
