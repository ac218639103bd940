using System.Diagnostics;

namespace VarTrack.Core.Tests.Releases;

/// <summary>Runs the openssl command line, the independent implementation signatures are checked against.</summary>
public static class OpenSsl
{
    public static (int ExitCode, string Output) Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }

    /// <summary>An Ed25519 key pair as PEM files in <paramref name="directory"/>: (private key path, public key path).</summary>
    public static (string Private, string Public) Ed25519(string directory, string name = "release")
    {
        var key = Path.Combine(directory, name + ".key");
        var pub = Path.Combine(directory, name + ".pub");
        Assert.Equal(0, Run(directory, "genpkey", "-algorithm", "ed25519", "-out", key).ExitCode);
        Assert.Equal(0, Run(directory, "pkey", "-in", key, "-pubout", "-out", pub).ExitCode);
        return (key, pub);
    }
}
