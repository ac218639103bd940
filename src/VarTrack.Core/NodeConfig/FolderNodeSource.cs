using System.Security.Cryptography;
using System.Text;
using VarTrack.Core.Errors;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Files of a local folder. Symbolic links are followed only when they resolve inside the folder (a Kubernetes
/// ConfigMap or Secret volume is made of such links); one pointing outside is an error, never read. Names starting
/// with <c>..</c> are skipped: they are the volume's own bookkeeping (<c>..data</c>), not files to deliver.
/// </summary>
public sealed class FolderNodeSource(string folder) : INodeFileSource
{
    private readonly string _folder = Path.GetFullPath(folder);

    public Task<string> VersionAsync(CancellationToken cancellationToken = default)
    {
        var hash = new StringBuilder();
        foreach (var path in Walk(""))
        {
            var info = new FileInfo(PhysicalPath.Resolve(Path.Combine(_folder, path)));
            hash.Append(path).Append('\0').Append(info.Exists ? info.Length : -1).Append('\0').Append(info.Exists ? info.LastWriteTimeUtc.Ticks : 0).Append('\n');
        }
        return Task.FromResult("folder:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hash.ToString()))));
    }

    public async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Inside(path);
        return File.Exists(full) ? await File.ReadAllBytesAsync(full, cancellationToken) : null;
    }

    public Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(Walk(folder).ToList());

    public string Describe(string path) => Path.Combine(_folder, path);

    /// <summary>The file's real path; an error when a link takes it outside the folder.</summary>
    private string Inside(string path)
    {
        var full = Path.Combine(_folder, path);
        if (!PhysicalPath.IsInside(full, _folder))
            throw new VarTrackException(new Problem($"{Describe(path)} is a symbolic link (or below one) that leads outside the source folder; refused"));
        return PhysicalPath.Resolve(full);
    }

    private IEnumerable<string> Walk(string relative)
    {
        var start = relative.Length == 0 ? _folder : Path.Combine(_folder, relative);
        if (!Directory.Exists(start)) yield break;
        var pending = new Stack<string>([relative]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            var directory = current.Length == 0 ? _folder : Inside(current);
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (entry.Name.StartsWith("..", StringComparison.Ordinal)) continue;
                var path = current.Length == 0 ? entry.Name : current + "/" + entry.Name;
                var real = Inside(path);
                if (Directory.Exists(real)) pending.Push(path);
                else if (File.Exists(real)) yield return path;
            }
        }
    }
}
