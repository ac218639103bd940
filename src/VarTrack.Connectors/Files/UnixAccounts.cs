using System.Runtime.InteropServices;
using System.Text;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Files;

/// <summary>
/// The few libc calls .NET has no API for: user and group names to ids (through NSS, so LDAP/SSSD accounts work as
/// for <c>chown</c>) and <c>chown</c> itself.
/// </summary>
internal static class UnixAccounts
{
    // Offsets of pw_uid in struct passwd and gr_gid in struct group: two pointers in, on 64-bit glibc, musl and macOS.
    private static readonly int IdOffset = 2 * IntPtr.Size;
    private static readonly Lock Gate = new(); // getpwnam/getgrnam return a static buffer

    public static (uint UserId, uint GroupId) Resolve(FileOwner owner, string where)
    {
        lock (Gate)
        {
            var uid = owner.UserId ?? Lookup(getpwnam(Terminated(owner.User)), $"no user '{owner.User}' on this machine (setting 'owner' of {where})");
            var gid = owner.Group is null ? uint.MaxValue // -1: leave the group as it is
                : owner.GroupId ?? Lookup(getgrnam(Terminated(owner.Group)), $"no group '{owner.Group}' on this machine (setting 'owner' of {where})");
            return (uid, gid);
        }
    }

    public static void Chown(string path, uint userId, uint groupId)
    {
        if (chown(Terminated(path), userId, groupId) != 0)
            throw new IOException($"cannot change the owner of {path}: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    private static uint Lookup(IntPtr entry, string missing) =>
        entry == IntPtr.Zero ? throw new VarTrackException(new Problem(missing)) : (uint)Marshal.ReadInt32(entry, IdOffset);

    private static byte[] Terminated(string text) => Encoding.UTF8.GetBytes(text + "\0");

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr getpwnam(byte[] name);

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr getgrnam(byte[] name);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown(byte[] path, uint owner, uint group);
}
