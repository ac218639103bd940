using System.Text;

namespace VarTrack.Benchmarks;

/// <summary>
/// Deterministic config documents of a given key count: services with nested settings, an environment-keyed
/// <c>default</c>/<c>production</c> split (distinct services, so the sliced result keeps every key), lists, and
/// values of every scalar shape. About 100 bytes per key: 100k keys is about 10 MB.
/// </summary>
public static class GeneratedDocuments
{
    public static string Yaml(int keys)
    {
        var sb = new StringBuilder(keys * 100);
        sb.Append("vartrack:\n");
        var perEnvironment = keys / 2;
        foreach (var (environment, offset) in (ReadOnlySpan<(string, int)>)[("default", 0), ("production", perEnvironment / 10)])
        {
            sb.Append("  ").Append(environment).Append(":\n");
            for (var service = offset; (service - offset) * 10 < perEnvironment; service++)
            {
                sb.Append("    service_").Append(service).Append(":\n");
                sb.Append("      host: host-").Append(service).Append(".internal.example.com\n");
                sb.Append("      port: ").Append(8000 + service % 1000).Append('\n');
                sb.Append("      ratio: 1.50\n");
                sb.Append("      enabled: on\n");
                sb.Append("      description: \"service number ").Append(service).Append(" of the generated benchmark document\"\n");
                sb.Append("      limits:\n        cpu: 250m\n        memory: 512Mi\n");
                sb.Append("      tags: [alpha, beta, gamma]\n");
            }
        }
        return sb.ToString();
    }

    public static string Json(int keys)
    {
        var sb = new StringBuilder(keys * 110);
        sb.Append("{\"vartrack\":{");
        var perEnvironment = keys / 2;
        var first = true;
        foreach (var (environment, offset) in (ReadOnlySpan<(string, int)>)[("default", 0), ("production", perEnvironment / 10)])
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append('"').Append(environment).Append("\":{");
            for (var service = offset; (service - offset) * 10 < perEnvironment; service++)
            {
                if (service > offset) sb.Append(',');
                sb.Append("\"service_").Append(service).Append("\":{")
                  .Append("\"host\":\"host-").Append(service).Append(".internal.example.com\",")
                  .Append("\"port\":").Append(8000 + service % 1000).Append(',')
                  .Append("\"ratio\":1.50,\"enabled\":true,")
                  .Append("\"description\":\"service number ").Append(service).Append(" of the generated benchmark document\",")
                  .Append("\"limits\":{\"cpu\":\"250m\",\"memory\":\"512Mi\"},")
                  .Append("\"tags\":[\"alpha\",\"beta\",\"gamma\"]}");
            }
            sb.Append('}');
        }
        sb.Append("}}");
        return sb.ToString();
    }
}
