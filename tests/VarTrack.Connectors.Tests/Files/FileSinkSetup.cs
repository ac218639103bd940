using System.Diagnostics;
using VarTrack.Connectors.Files;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Formats;
using VarTrack.Core.Sync;
using VarTrack.Core.Text;

namespace VarTrack.Connectors.Tests.Files;

/// <summary>Builds file sinks through <see cref="FileSinkFactory"/> from plain settings, locally or against the test sshd.</summary>
public static class FileSinkSetup
{
    public static SinkSettings Settings(IReadOnlyDictionary<string, string> values, string name = "files")
    {
        var definition = new SinkDefinition(name, "file", TemplateString.Parse("{file}"),
            values.ToDictionary(v => v.Key, v => new SettingValue(v.Value, SourcePosition.None), StringComparer.Ordinal));
        return SinkSettings.FromText(definition, values);
    }

    public static async Task<FileSink> CreateAsync(IReadOnlyDictionary<string, string> values, string name = "files") =>
        (FileSink)await new FileSinkFactory().CreateAsync(Settings(values, name));

    public static Task<FileSink> LocalAsync(string format, params (string Name, string Value)[] more) =>
        CreateAsync(new Dictionary<string, string>(more.Select(m => KeyValuePair.Create(m.Name, m.Value))) { ["format"] = format });

    /// <summary>Settings for the test sshd (fails the test clearly when it is not running).</summary>
    public static Dictionary<string, string> Sftp(string format)
    {
        TestServices.Require("sshd (SFTP)", TestServices.Ssh);
        var (user, host, port) = SshEndpoint;
        return new Dictionary<string, string>
        {
            ["format"] = format,
            ["host"] = host,
            ["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["user"] = user,
            ["private_key"] = TestServices.SshKeyFile,
            ["host_key"] = HostKeyLine,
        };
    }

    public static (string User, string Host, int Port) SshEndpoint
    {
        get
        {
            var text = TestServices.Ssh;
            var at = text.IndexOf('@');
            var colon = text.LastIndexOf(':');
            return (text[..at], text[(at + 1)..colon], int.Parse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public static string HostKeyLine => File.ReadAllText(TestServices.SshHostKeyFile).Trim();

    /// <summary>The test server's key as <c>SHA256:...</c>, computed the way ssh-keygen -lf does.</summary>
    public static string HostKeyFingerprint => SshHostKeyPin.FingerprintOf(Convert.FromBase64String(HostKeyLine.Split(' ')[1]));

    /// <summary><c>uid:gid</c> of a file, from stat(1) (.NET has no API for a file's owner).</summary>
    public static string OwnerOf(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return output;
    }

    /// <summary>The inode number of a file, from stat(1): a replace by rename gives the path a new one.</summary>
    public static string InodeOf(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return output;
    }
}
