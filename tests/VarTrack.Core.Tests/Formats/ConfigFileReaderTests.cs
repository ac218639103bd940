using System.Text;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Formats;

public sealed class ConfigFileReaderTests : IDisposable
{
    private const string File = "config/app.yaml";
    private readonly string _folder = Directory.CreateTempSubdirectory("vartrack-reader-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Problem Fails(Action action)
    {
        var ex = Assert.Throws<VarTrackException>(action);
        return Assert.Single(ex.Problems);
    }

    [Fact]
    public void Reads_yaml_by_extension()
    {
        var root = Assert.IsType<ConfigMap>(new ConfigFileReader().Read(File, Encoding.UTF8.GetBytes("a: 1.50\n")));
        Assert.Equal("1.50", Assert.IsType<ConfigScalar>(root["a"]).Text);
    }

    [Fact]
    public void The_format_argument_overrides_the_extension()
    {
        var root = Assert.IsType<ConfigMap>(new ConfigFileReader().Read("settings.txt", Encoding.UTF8.GetBytes("a: 1\n"), ConfigFormat.Yaml));
        Assert.Equal("1", Assert.IsType<ConfigScalar>(root["a"]).Text);
    }

    [Fact]
    public void A_byte_order_mark_is_stripped()
    {
        var reader = new ConfigFileReader();
        byte[] content = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a: 1\n")];
        var source = reader.Decode(File, content);
        Assert.Equal("a: 1\n", source.Text);
        Assert.Equal(Encoding.UTF8.GetBytes("a: 1\n"), source.Utf8.ToArray());
        Assert.Equal(File, source.Path);

        var root = Assert.IsType<ConfigMap>(reader.Read(File, content));
        Assert.True(root.TryGetEntry("a", out var entry));
        Assert.Equal(new SourcePosition(1, 1), entry.KeyPosition);
    }

    [Fact]
    public void A_nul_byte_is_binary_content_with_its_position()
    {
        var problem = Fails(() => new ConfigFileReader().Read(File, Encoding.UTF8.GetBytes("a: 1\nbé: x\0y\n")));
        Assert.Contains("binary", problem.Message);
        Assert.Equal(File, problem.File);
        Assert.Equal(new SourcePosition(2, 6), problem.Position);
        Assert.StartsWith($"{File}:2:6: ", problem.ToString());
    }

    [Fact]
    public void Invalid_utf8_is_refused_with_its_position()
    {
        byte[] content = [.. Encoding.UTF8.GetBytes("a: 1\nb: é"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\n")];
        var problem = Fails(() => new ConfigFileReader().Read(File, content));
        Assert.Equal("invalid UTF-8; config files must be UTF-8 text", problem.Message);
        Assert.Equal(File, problem.File);
        Assert.Equal(new SourcePosition(2, 5), problem.Position);
    }

    [Fact]
    public void A_lone_continuation_byte_at_the_start_is_refused_at_1_1()
    {
        var problem = Fails(() => new ConfigFileReader().Decode(File, new byte[] { 0x80, (byte)'a' }));
        Assert.Equal(new SourcePosition(1, 1), problem.Position);
    }

    [Fact]
    public void A_truncated_multibyte_sequence_at_the_end_is_refused()
    {
        byte[] content = [.. Encoding.UTF8.GetBytes("a: x"), 0xE2, 0x82];
        var problem = Fails(() => new ConfigFileReader().Decode(File, content));
        Assert.Equal(new SourcePosition(1, 5), problem.Position);
    }

    [Fact]
    public void Oversize_content_is_refused_before_parsing()
    {
        var reader = new ConfigFileReader(maxBytes: 16);
        Assert.Equal(16, reader.MaxBytes);
        var problem = Fails(() => reader.Read(File, Encoding.UTF8.GetBytes("a: 123456789012345\n")));
        Assert.Contains("over the", problem.Message);
        Assert.Contains("limit for config files", problem.Message);
        Assert.Equal(File, problem.File);
        // Exactly at the limit is fine.
        Assert.IsType<ConfigMap>(reader.Read(File, Encoding.UTF8.GetBytes("a: 12345678901\n")));
    }

    [Fact]
    public void The_size_message_is_meaningful_for_a_small_limit()
    {
        // A 1 KiB limit must not be printed as "0 MiB".
        var problem = Fails(() => new ConfigFileReader(maxBytes: 1024).Read(File, new byte[4096]));
        Assert.DoesNotContain(" 0 MiB", problem.Message);
    }

    [Fact]
    public void A_100_MB_content_is_refused_with_the_default_limit()
    {
        Assert.Equal(32L * 1024 * 1024, ConfigFileReader.DefaultMaxBytes);
        var content = new byte[100 * 1024 * 1024];
        var problem = Fails(() => new ConfigFileReader().Read(File, content));
        Assert.Equal("file is 100 MiB, over the 32 MiB limit for config files", problem.Message);
        Assert.Equal(File, problem.File);
    }

    [Fact]
    public void A_100_MB_file_is_refused_without_being_loaded()
    {
        var path = Path.Combine(_folder, "big.yaml");
        using (var stream = System.IO.File.Create(path))
            stream.SetLength(100L * 1024 * 1024); // sparse: costs no disk and no time
        var problem = Fails(() => new ConfigFileReader().ReadFile(path, "big.yaml"));
        Assert.Equal("file is 100 MiB, over the 32 MiB limit for config files", problem.Message);
        Assert.Equal("big.yaml", problem.File);
    }

    [Fact]
    public void ReadFile_reads_from_disk_and_reports_the_display_path()
    {
        var path = Path.Combine(_folder, "app.yaml");
        System.IO.File.WriteAllText(path, "a: 1\nb: [\n");
        var problem = Fails(() => new ConfigFileReader().ReadFile(path, "config/app.yaml"));
        Assert.Equal("config/app.yaml", problem.File);

        System.IO.File.WriteAllText(path, "a: 1\n");
        var root = Assert.IsType<ConfigMap>(new ConfigFileReader().ReadFile(path, "config/app.yaml"));
        Assert.Equal("1", Assert.IsType<ConfigScalar>(root["a"]).Text);
    }

    [Fact]
    public void ReadFile_of_a_missing_file_is_an_error_naming_it()
    {
        var problem = Fails(() => new ConfigFileReader().ReadFile(Path.Combine(_folder, "nope.yaml"), "config/nope.yaml"));
        Assert.Equal("file not found", problem.Message);
        Assert.Equal("config/nope.yaml", problem.File);
    }

    [Fact]
    public void An_unknown_extension_is_an_error_naming_the_file()
    {
        var problem = Fails(() => new ConfigFileReader().Read("config/settings.txt", Encoding.UTF8.GetBytes("a: 1\n")));
        Assert.Equal("config/settings.txt", problem.File);
        Assert.StartsWith("cannot tell the format from the file name", problem.Message);
        Assert.Contains("yaml", problem.Message);
        Assert.StartsWith("config/settings.txt: ", problem.ToString());
    }

    [Fact]
    public void Empty_content_is_an_empty_map()
    {
        Assert.Equal(0, Assert.IsType<ConfigMap>(new ConfigFileReader().Read(File, ReadOnlyMemory<byte>.Empty)).Count);
        Assert.Equal(0, Assert.IsType<ConfigMap>(new ConfigFileReader().Read(File, new byte[] { 0xEF, 0xBB, 0xBF })).Count);
    }
}
