using System.Text;
using System.Text.Unicode;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>
/// The front door for config file content: refuses oversize, binary and non-UTF-8 input with the position of the
/// first bad byte, strips a BOM, then hands the text to the format's parser.
/// </summary>
public sealed class ConfigFileReader
{
    /// <summary>Default size limit: far above real config files (100k keys of YAML is about 10 MB).</summary>
    public const long DefaultMaxBytes = 32L * 1024 * 1024;

    public ConfigFileReader(long maxBytes = DefaultMaxBytes) => MaxBytes = maxBytes;

    public long MaxBytes { get; }

    /// <summary>Reads a file from disk (size checked before it is loaded).</summary>
    public ConfigNode ReadFile(string fileSystemPath, string displayPath, ConfigFormat? format = null)
    {
        var info = new FileInfo(fileSystemPath);
        if (!info.Exists)
            throw new VarTrackException(new Problem("file not found") { File = displayPath });
        CheckSize(displayPath, info.Length);
        return Read(displayPath, File.ReadAllBytes(fileSystemPath), format);
    }

    /// <summary>Parses content; <paramref name="format"/> overrides detection from <paramref name="path"/>.</summary>
    public ConfigNode Read(string path, ReadOnlyMemory<byte> content, ConfigFormat? format = null)
    {
        var source = Decode(path, content);
        return ConfigFormats.ParserFor(format ?? ConfigFormats.Detect(path)).Parse(source);
    }

    /// <summary>Checks and decodes content into a <see cref="SourceText"/> (exposed for parsers' tests and tools).</summary>
    public SourceText Decode(string path, ReadOnlyMemory<byte> content)
    {
        CheckSize(path, content.Length);
        var bytes = content.Span;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            content = content[3..];
            bytes = content.Span;
        }
        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
            throw Bad(path, bytes, nul, "binary content (a NUL byte); config files must be UTF-8 text");
        if (!Utf8.IsValid(bytes))
            throw Bad(path, bytes, FirstInvalidUtf8(bytes), "invalid UTF-8; config files must be UTF-8 text");
        return new SourceText(path, Encoding.UTF8.GetString(bytes), content);
    }

    private void CheckSize(string path, long length)
    {
        if (length > MaxBytes)
            throw new VarTrackException(new Problem($"file is {Size(length)}, over the {Size(MaxBytes)} limit for config files") { File = path });
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1048576 => $"{bytes / 1048576.0:0.#} MiB",
        >= 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} bytes",
    };

    /// <summary>The offset of the first byte that is not valid UTF-8 (decoding stops there).</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return read;
    }

    private static VarTrackException Bad(string path, ReadOnlySpan<byte> bytes, int offset, string message)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        // Column in characters: count UTF-8 lead bytes before the offset on this line.
        var column = 1;
        for (var i = lineStart; i < offset; i++)
            if ((bytes[i] & 0xC0) != 0x80) column++;
        return new VarTrackException(Problem.At(path, new SourcePosition(line, column), message));
    }
}
