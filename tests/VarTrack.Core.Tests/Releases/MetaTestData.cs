using System.Text;
using VarTrack.Core.Releases;

namespace VarTrack.Core.Tests.Releases;

/// <summary>Records and commit ids used across the release metadata tests.</summary>
public static class MetaTestData
{
    public static readonly DateTimeOffset Created = new(2026, 11, 24, 10, 15, 0, TimeSpan.Zero);

    public static string Commit(char c) => new(c, 40);

    public static ReleaseRecord Release(string id, char commit = 'a') =>
        new(id, Created, new Dictionary<string, string> { ["acme/api"] = Commit(commit), ["acme/web"] = Commit('f') }, "ci/build-7", null);

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
