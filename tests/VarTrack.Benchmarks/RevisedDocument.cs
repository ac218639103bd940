using System.Globalization;
using System.Text;

namespace VarTrack.Benchmarks;

/// <summary>
/// A YAML config of services with 10 keys each whose revision <c>r</c> differs from revision <c>r - 1</c> in exactly
/// the keys <c>i</c> with <c>i % 10 == r % 10</c>: every new revision changes 10% of the keys, so each sync of it
/// writes a real diff (one tenth of the keys) rather than a no-op.
/// </summary>
public static class RevisedDocument
{
    public static string Yaml(int keys, int revision)
    {
        var sb = new StringBuilder(keys * 48);
        for (var i = 0; i < keys; i++)
        {
            if (i % 10 == 0) sb.Append("service_").Append(i / 10).Append(":\n");
            // How often key i has changed up to this revision: once for every r' <= revision with r' % 10 == i % 10.
            var changes = (revision + 10 - i % 10) / 10;
            sb.Append("  key_").Append(i % 10).Append(": ").Append(Value(i, changes)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A mix of the scalar shapes real configs hold (text, quoted URL, number, flag).</summary>
    private static string Value(int key, int changes) => (key % 10) switch
    {
        0 => string.Create(CultureInfo.InvariantCulture, $"service-{key}-r{changes}.internal.example.com"),
        1 => string.Create(CultureInfo.InvariantCulture, $"{8000 + key % 1000 + changes}"),
        2 => changes % 2 == 0 ? "on" : "off",
        3 => string.Create(CultureInfo.InvariantCulture, $"\"https://service-{key}.example.com/api/v2?rev={changes}&limit=500\""),
        _ => string.Create(CultureInfo.InvariantCulture, $"value-{key}-r{changes}"),
    };
}
