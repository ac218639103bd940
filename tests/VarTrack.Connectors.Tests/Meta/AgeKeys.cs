using System.Diagnostics;

namespace VarTrack.Connectors.Tests.Meta;

/// <summary>Key pairs made by the real <c>age-keygen</c> (Debian package <c>age</c>, installed by scripts/services.sh).</summary>
public static class AgeKeys
{
    /// <summary>(identity <c>AGE-SECRET-KEY-1...</c>, recipient <c>age1...</c>).</summary>
    public static (string Identity, string Recipient) Generate()
    {
        var output = Run("age-keygen", []);
        var identity = output.Split('\n').Single(l => l.StartsWith("AGE-SECRET-KEY-1", StringComparison.Ordinal)).Trim();
        var recipient = output.Split('\n').Single(l => l.StartsWith("# public key: ", StringComparison.Ordinal))["# public key: ".Length..].Trim();
        return (identity, recipient);
    }

    /// <summary>Runs the age tool itself (not through VarTrack) with stdin; returns stdout bytes and the exit code.</summary>
    public static (int ExitCode, byte[] Output, string Error) Age(byte[] input, params string[] arguments)
    {
        var start = new ProcessStartInfo("age") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("age did not start; install it with apt-get install age (scripts/services.sh start does)");
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        process.WaitForExit();
        copy.Wait();
        return (process.ExitCode, output.ToArray(), error.Result);
    }

    private static string Run(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{tool} is not installed; install the Debian package age (scripts/services.sh start does)");
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return output;
        }
    }
}
