using System.ComponentModel;
using System.Diagnostics;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Meta;

/// <summary>
/// <see cref="IMetaCipher"/> over the <c>age</c> command-line tool (Debian package <c>age</c>): the reference for
/// interoperability and a fallback where no in-process implementation is plugged in. Plaintext goes through stdin
/// and stdout only; identities are written to an owner-only file in an owner-only temporary folder for the one call
/// and deleted after it; neither appears in an argument list or a message.
/// </summary>
public sealed class AgeToolCipher(string executable = "age", TimeSpan? timeout = null) : IMetaCipher
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(30);

    public bool IsEncrypted(ReadOnlySpan<byte> content) => MetaFileCodec.LooksEncrypted(content);

    public byte[] Encrypt(string path, byte[] plaintext, IReadOnlyList<string> recipients)
    {
        if (recipients.Count == 0) throw new VarTrackException(new Problem("no age recipient to encrypt for") { File = path });
        var arguments = new List<string> { "--encrypt" };
        foreach (var recipient in recipients) arguments.AddRange(["--recipient", recipient]);
        return Run(path, "encrypt", arguments, plaintext, []);
    }

    public byte[] Decrypt(string path, byte[] ciphertext, IReadOnlyList<string> identities)
    {
        if (identities.Count == 0) throw new VarTrackException(new Problem("the file is encrypted and no age identity is configured") { File = path });
        var folder = Directory.CreateTempSubdirectory("vt-age-");
        try
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var identityFile = Path.Combine(folder.FullName, "identities");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(identityFile, options))
            using (var writer = new StreamWriter(stream))
                foreach (var identity in identities) writer.WriteLine(identity);
            return Run(path, "decrypt", ["--decrypt", "--identity", identityFile], ciphertext, identities);
        }
        finally
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // The temp folder is cleaned by the system; the file is owner-only meanwhile.
            }
        }
    }

    private byte[] Run(string path, string what, IReadOnlyList<string> arguments, byte[] input, IReadOnlyList<string> secrets)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception)
        {
            throw new VarTrackException(new Problem($"cannot {what}: the age tool ('{executable}') is not installed (Debian: apt-get install age)") { File = path });
        }
        using (process)
        {
            var output = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                process.StandardInput.BaseStream.Write(input);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // age exited early (bad input); its exit code and message say why.
            }
            if (!process.WaitForExit(_timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new VarTrackException(new Problem($"cannot {what}: age did not finish within {_timeout.TotalSeconds:0} s") { File = path });
            }
            copy.Wait(_timeout);
            if (process.ExitCode == 0) return output.ToArray();
            throw new VarTrackException(new Problem($"cannot {what}: {new SecretScrubber(secrets).Scrub(Reason(error.Result))}") { File = path });
        }
    }

    /// <summary>age's own message, reduced to its first line; it names recipients at most, never identities.</summary>
    private static string Reason(string stderr)
    {
        var line = stderr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("[", StringComparison.Ordinal)) ?? "age failed";
        if (line.StartsWith("age: error: ", StringComparison.Ordinal)) line = line["age: error: ".Length..];
        return line.Contains("no identity matched", StringComparison.OrdinalIgnoreCase)
            ? "none of the configured age identities can read it (the file is encrypted for other recipients)"
            : line;
    }
}
