namespace VarTrack.Connectors.Ssh;

/// <summary>
/// One known_hosts file as OpenSSH writes it (<c>man sshd</c>, SSH_KNOWN_HOSTS FILE FORMAT). A malformed line is
/// reported as <c>file:line: reason</c> and skipped; the other lines still count.
/// </summary>
internal sealed class KnownHostsFile
{
    private KnownHostsFile(string path, bool exists, IReadOnlyList<KnownHostsEntry> entries, IReadOnlyList<string> problems)
    {
        Path = path;
        Exists = exists;
        Entries = entries;
        Problems = problems;
    }

    public string Path { get; }

    public bool Exists { get; }

    public IReadOnlyList<KnownHostsEntry> Entries { get; }

    /// <summary>Lines that were skipped, each <c>file:line: reason</c> (never the line's text).</summary>
    public IReadOnlyList<string> Problems { get; }

    public static KnownHostsFile Parse(string path, string text)
    {
        var entries = new List<KnownHostsEntry>();
        var problems = new List<string>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (KnownHostsEntry.Parse(path, number, line, out var problem) is { } entry) entries.Add(entry);
            else problems.Add($"{path}:{number}: {problem}");
        }
        return new KnownHostsFile(path, exists: true, entries, problems);
    }

    /// <summary>Reads the file; a missing file has no entries, an unreadable one has no entries and one problem.</summary>
    public static KnownHostsFile Load(string path)
    {
        try
        {
            return Parse(path, File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new KnownHostsFile(path, exists: false, [], []);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new KnownHostsFile(path, exists: true, [], [$"{path}: cannot read it: {ex.Message}"]);
        }
    }
}
