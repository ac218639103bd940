namespace VarTrack.Connectors.Tests.Files;

/// <summary>A fresh directory under /tmp (the test sshd runs on this machine, so it also serves as the remote directory), deleted on dispose.</summary>
public sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string prefix = "vt-files-") => Directory.CreateDirectory(Path = System.IO.Path.Combine("/tmp", prefix + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Everything in the directory, by name, sorted (temporary files would show here).</summary>
    public string[] Names() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort cleanup under /tmp.
        }
    }
}
