using System.Text;

namespace VarTrack.Benchmarks;

/// <summary>
/// Deterministic config documents of a given key count: services of 10 keys each (host, port, ratio, flag,
/// description, URL, nested limits, a list), split into <c>default</c> and <c>production</c> blocks of distinct
/// services so the sliced result keeps every key. About 100 bytes per key: 100k keys is about 10 MB.
/// </summary>
public static class GeneratedDocuments
{
    private const string Words = "the quick brown fox jumps over the lazy dog while the configuration service keeps every replica in sync ";

    public static string Yaml(int keys) => Build(keys, yaml: true);

    public static string Json(int keys) => Build(keys, yaml: false);

    private static IEnumerable<(string Environment, int First, int Count)> Blocks(int keys)
    {
        var services = Math.Max(1, keys / 20);
        yield return ("default", 0, services);
        yield return ("production", services, services);
    }

    private static (string Key, string Value, bool Quoted)[] Service(int n) =>
    [
        ("host", $"service-{n}.eu-west-1.internal.example.com", false),
        ("port", (8000 + n % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture), false),
        ("ratio", "1.50", false),
        ("enabled", "on", false),
        ("description", $"service {n}: " + string.Concat(Enumerable.Repeat(Words, 4)).Trim(), true),
        ("url", $"https://service-{n}.eu-west-1.internal.example.com/api/v2/resources?tenant=acme&region=eu-west-1&page=1&limit=500", true),
    ];

    private static string Build(int keys, bool yaml)
    {
        var sb = new StringBuilder(keys * 110);
        sb.Append(yaml ? "vartrack:\n" : "{\"vartrack\":{");
        var firstBlock = true;
        foreach (var (environment, first, count) in Blocks(keys))
        {
            if (yaml) sb.Append("  ").Append(environment).Append(":\n");
            else sb.Append(firstBlock ? "" : ",").Append('"').Append(environment).Append("\":{");
            firstBlock = false;
            for (var n = first; n < first + count; n++)
            {
                if (yaml) sb.Append("    service_").Append(n).Append(":\n");
                else sb.Append(n == first ? "" : ",").Append("\"service_").Append(n).Append("\":{");
                foreach (var (key, value, quoted) in Service(n))
                {
                    if (yaml) sb.Append("      ").Append(key).Append(": ").Append(quoted ? $"\"{value}\"" : value).Append('\n');
                    else sb.Append('"').Append(key).Append("\":").Append(key is "port" or "ratio" ? value : $"\"{value}\"").Append(',');
                }
                if (yaml)
                    sb.Append("      limits:\n        cpu: 250m\n        memory: 512Mi\n      tags: [frontend-tier, eu-west-1-primary]\n");
                else
                    sb.Append("\"limits\":{\"cpu\":\"250m\",\"memory\":\"512Mi\"},\"tags\":[\"frontend-tier\",\"eu-west-1-primary\"]}");
            }
            if (!yaml) sb.Append('}');
        }
        if (!yaml) sb.Append("}}");
        return sb.ToString();
    }
}
