using System.ComponentModel;
using System.Runtime.InteropServices;

namespace VarTrack.Connectors.LocalState;

/// <summary>
/// Places a finished file under a new name only if that name is free, atomically: link(2) on Unix, which fails with
/// EEXIST when the name exists. <see cref="File.Move(string, string, bool)"/> cannot be used for this on Unix: without
/// overwrite it checks that the destination is missing and then renames, so two racing creators can both "win"
/// (the second silently replacing the first). On Windows MoveFileEx without REPLACE_EXISTING is already atomic.
/// </summary>
internal static class ExclusiveLink
{
    private const int NoSuchEntry = 2; // ENOENT
    private const int AlreadyExists = 17; // EEXIST on Linux and macOS

    /// <summary>
    /// True when <paramref name="destination"/> now names the file; false when it already existed. The caller removes
    /// the source name afterwards (on Windows it has been moved already).
    /// </summary>
    public static bool TryPlace(string source, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                File.Move(source, destination, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(destination))
            {
                return false;
            }
        }
        if (Link(source, destination) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == AlreadyExists) return false;
        // The folder went away (a concurrent delete of the last document): the caller recreates it and tries again.
        if (errno == NoSuchEntry) throw new DirectoryNotFoundException($"cannot link '{source}' to '{destination}': no such file or folder");
        throw new IOException($"cannot link '{source}' to '{destination}': {new Win32Exception(errno).Message} (errno {errno})");
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string oldPath, string newPath);
}
