using System.Security.Cryptography;
using System.Text.Json;
using VarTrack.Core.Tests.Releases;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// <c>vt meta</c> run in-process against a real Git repository (a local bare repository; the Git HTTP server is used by
/// the connectors tests): output, exit codes (3 for a conflict), and that failed commands write nothing.
/// </summary>
public sealed class VtMetaTests : IDisposable
{
    private static readonly string CommitA = new('a', 40);
    private static readonly string CommitB = new('b', 40);
    private readonly VtProject _project = new();
    private readonly string _bare;

    public VtMetaTests()
    {
        _bare = Path.Combine(_project.Directory, "meta.git");
        GitCommand.Run(_project.Directory, "init", "-q", "--bare", "-b", "main", _bare);
        _project.Write("vartrack.yaml", """
            meta:
              repository: meta.git
              project: shop
              writer: ci-1
              cache_directory: .work
              author: { name: Release Bot, email: bot@example.test }
            """);
    }

    public void Dispose() => _project.Dispose();

    private Task<(int Code, string Out, string Err)> Vt(params string[] args) => _project.RunAsync(["meta", .. args, "--actor", "alice"]);

    private string Head() => GitCommand.Run(_bare, "rev-parse", "refs/heads/main");

    private async Task ReleasesAsync()
    {
        Assert.Equal(0, (await Vt("release", "create", "--id", "1.0.0", "--source", $"acme/api={CommitA}", "--source", $"acme/web={CommitB}", "--builder", "ci/7", "--notes", "first")).Code);
        Assert.Equal(0, (await Vt("release", "create", "--id", "1.1.0", "--source", $"acme/api={CommitB}")).Code);
    }

    [Fact]
    public async Task Releases_promotions_and_a_rollback_land_as_commits_by_the_configured_author()
    {
        await ReleasesAsync();

        var promoted = await Vt("promote", "--channel", "prod", "--release", "1.0.0", "--expect", "none");
        Assert.Equal(0, promoted.Code);
        Assert.StartsWith("channel prod of project shop now at release 1.0.0: commit ", promoted.Out);
        Assert.Contains("projects/shop/channels/prod/events/", promoted.Out);
        Assert.Equal(0, (await Vt("promote", "--channel", "prod", "--release", "1.1.0", "--expect", "1.0.0", "--reason", "fix")).Code);

        var rollback = await Vt("rollback", "--channel", "prod");
        Assert.Equal(0, rollback.Code);
        Assert.StartsWith("channel prod of project shop rolled back to release 1.0.0 (was 1.1.0): commit ", rollback.Out);

        var resolved = await Vt("resolve", "--channel", "prod");
        Assert.Equal(0, resolved.Code);
        Assert.StartsWith("shop/prod: release 1.0.0 (promoted by alice at ", resolved.Out);
        Assert.Contains(", from 1.1.0)", resolved.Out);
        Assert.Contains($"  commit {Head()}", resolved.Out);
        Assert.Equal("Release Bot <bot@example.test>: rollback shop prod: 1.0.0 from 1.1.0", GitCommand.Run(_bare, "log", "-1", "--format=%an <%ae>: %s"));
        Assert.Equal("5", GitCommand.Run(_bare, "rev-list", "--count", "main"));
    }

    [Fact]
    public async Task A_promotion_from_the_wrong_release_exits_7_names_the_current_one_and_writes_nothing()
    {
        await ReleasesAsync();
        await Vt("promote", "--channel", "prod", "--release", "1.0.0", "--expect", "none");
        var head = Head();

        var (code, output, error) = await Vt("promote", "--channel", "prod", "--release", "1.1.0", "--expect", "0.9.0");

        Assert.Equal(7, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: promotion conflict: channel 'prod' of project 'shop' is at release '1.0.0', but the promotion expected release '0.9.0': '1.0.0' was promoted by alice at ", error);
        Assert.EndsWith("check what runs there and promote again with --expect 1.0.0\n", error.Replace("\r\n", "\n"));
        Assert.Equal(head, Head());
    }

    [Fact]
    public async Task A_rollback_with_expect_is_a_compare_and_swap_exit_7_when_the_channel_moved()
    {
        await ReleasesAsync();
        await Vt("promote", "--channel", "prod", "--release", "1.0.0", "--expect", "none");
        await Vt("promote", "--channel", "prod", "--release", "1.1.0", "--expect", "1.0.0");
        var head = Head();

        var stale = await Vt("rollback", "--channel", "prod", "--expect", "1.0.0");

        Assert.Equal((7, ""), (stale.Code, stale.Out));
        Assert.StartsWith("error: promotion conflict: channel 'prod' of project 'shop' is at release '1.1.0', but the promotion expected release '1.0.0'", stale.Err);
        Assert.Equal(head, Head());

        var rollback = await Vt("rollback", "--channel", "prod", "--expect", "1.1.0");
        Assert.Equal(0, rollback.Code);
        Assert.StartsWith("channel prod of project shop rolled back to release 1.0.0 (was 1.1.0): commit ", rollback.Out);
    }

    [Fact]
    public async Task Resolve_as_json_is_the_read_API_answer()
    {
        await ReleasesAsync();
        await Vt("promote", "--channel", "prod", "--release", "1.1.0", "--expect", "none");

        var (code, output, _) = await Vt("resolve", "--channel", "prod", "-o", "json");

        Assert.Equal(0, code);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(("shop", "prod", "1.1.0", Head()), (json.GetProperty("project").GetString(), json.GetProperty("channel").GetString(),
            json.GetProperty("release").GetProperty("id").GetString(), json.GetProperty("commit").GetString()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("event").GetProperty("previous_release_id").ValueKind);
    }

    [Fact]
    public async Task A_signed_binary_verifies_and_a_different_file_or_key_does_not()
    {
        await ReleasesAsync();
        var (key, pub) = OpenSsl.Ed25519(_project.Directory);
        var (_, otherPub) = OpenSsl.Ed25519(_project.Directory, "other");
        _project.Write("shop-linux-amd64", "the binary\n");
        _project.Write("tampered", "the binary!\n");
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("the binary\n"u8));

        var added = await Vt("binary", "add", "--release", "1.0.0", "--os", "linux", "--arch", "amd64", "--file", "shop-linux-amd64", "--url", "https://dl.example/shop/1.0.0/linux-amd64", "--key", key);
        Assert.Equal(0, added.Code);
        Assert.StartsWith($"binary linux-amd64 of release 1.0.0 recorded: {digest}, 11 bytes, signed by ed25519:", added.Out);

        var ok = await Vt("binary", "verify", "--release", "1.0.0", "--os", "linux", "--arch", "amd64", "--file", "shop-linux-amd64", "--public-key", pub);
        Assert.Equal((0, ""), (ok.Code, ok.Err));
        Assert.StartsWith($"ok: linux-amd64 of release 1.0.0: {digest}, 11 bytes, signature by ed25519:", ok.Out);

        var wrongFile = await Vt("binary", "verify", "--release", "1.0.0", "--os", "linux", "--arch", "amd64", "--file", "tampered", "--public-key", pub);
        Assert.Equal(1, wrongFile.Code);
        Assert.Contains($"error: projects/shop/binaries/1.0.0/linux-amd64.json: digest mismatch: the file is sha256:", wrongFile.Err);
        Assert.Contains($"the record says {digest}", wrongFile.Err);
        Assert.Contains("error: projects/shop/binaries/1.0.0/linux-amd64.json: size mismatch: the file has 12 bytes, the record says 11", wrongFile.Err);

        var wrongKey = await Vt("binary", "verify", "--release", "1.0.0", "--os", "linux", "--arch", "amd64", "--file", "shop-linux-amd64", "--public-key", otherPub);
        Assert.Equal(1, wrongKey.Code);
        Assert.Contains("was signed by key ed25519:", wrongKey.Err);
        Assert.DoesNotContain("PRIVATE KEY", wrongKey.Err + added.Out + added.Err);

        var lineage = await Vt("lineage", "--binary-digest", digest);
        Assert.Equal(0, lineage.Code);
        Assert.Equal($"""
            {digest} is linux-amd64 of release 1.0.0 of project shop (projects/shop/binaries/1.0.0/linux-amd64.json)
              release 1.0.0 created {lineage.Out.Split("created ")[1].Split(' ')[0]} by ci/7
              source acme/api {CommitA}
              source acme/web {CommitB}

            """.Replace("\r\n", "\n"), lineage.Out.Replace("\r\n", "\n"));
        var again = await Vt("binary", "add", "--release", "1.0.0", "--os", "linux", "--arch", "amd64", "--file", "tampered", "--url", "https://dl.example/x", "--key", key);
        Assert.Equal(1, again.Code);
        Assert.Contains("already has a linux-amd64 binary; binary records are immutable", again.Err);
    }

    [Fact]
    public async Task A_binary_record_rewritten_to_another_file_keeping_signature_and_key_fails_binary_verify_on_the_signature()
    {
        await ReleasesAsync();
        var (key, pub) = OpenSsl.Ed25519(_project.Directory);
        _project.Write("shop-linux-amd64", "the binary\n");
        _project.Write("evil", "evil binary\n");
        Assert.Equal(0, (await Vt("binary", "add", "--release", "1.0.0", "--os", "linux", "--arch", "amd64", "--file", "shop-linux-amd64", "--url", "https://dl.example/a", "--key", key)).Code);
        var good = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("the binary\n"u8));
        var evil = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("evil binary\n"u8));
        // Plain git: digest and size now describe the other file; signature and key_id are left as they were.
        var clone = Path.Combine(_project.Directory, "clone");
        GitCommand.Run(_project.Directory, "clone", "-q", _bare, clone);
        var file = Path.Combine(clone, "projects/shop/binaries/1.0.0/linux-amd64.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace(good, evil).Replace("\"size\": 11", "\"size\": 12"));
        GitCommand.Run(clone, "-c", "user.name=Mallory", "-c", "user.email=m@example.test", "commit", "-qam", "swap binary");
        GitCommand.Run(clone, "push", "-q", "origin", "main");

        var (code, output, error) = await Vt("binary", "verify", "--release", "1.0.0", "--os", "linux", "--arch", "amd64", "--file", "evil", "--public-key", pub);

        Assert.Equal((1, ""), (code, output));
        Assert.Equal("error: projects/shop/binaries/1.0.0/linux-amd64.json: the signature does not verify with the given key (the record was altered or signed for something else)\n",
            error.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Verify_with_public_keys_finds_a_binary_record_whose_signature_belongs_to_another_release()
    {
        await ReleasesAsync();
        var (key, pub) = OpenSsl.Ed25519(_project.Directory);
        var (_, otherPub) = OpenSsl.Ed25519(_project.Directory, "other");
        _project.Write("shop-linux-amd64", "the binary\n");
        Assert.Equal(0, (await Vt("binary", "add", "--release", "1.0.0", "--os", "linux", "--arch", "amd64", "--file", "shop-linux-amd64", "--url", "https://dl.example/a", "--key", key)).Code);
        Assert.Equal(0, (await Vt("verify", "--public-key", pub)).Code);
        // Plain git: 1.0.0's signed record copied to release 1.1.0, so 1.1.0 looks signed.
        var clone = Path.Combine(_project.Directory, "clone");
        GitCommand.Run(_project.Directory, "clone", "-q", _bare, clone);
        Directory.CreateDirectory(Path.Combine(clone, "projects/shop/binaries/1.1.0"));
        File.Copy(Path.Combine(clone, "projects/shop/binaries/1.0.0/linux-amd64.json"), Path.Combine(clone, "projects/shop/binaries/1.1.0/linux-amd64.json"));
        GitCommand.Run(clone, "add", "-A");
        GitCommand.Run(clone, "-c", "user.name=Mallory", "-c", "user.email=m@example.test", "commit", "-qm", "binary for 1.1.0");
        GitCommand.Run(clone, "push", "-q", "origin", "main");
        var forged = GitCommand.Run(clone, "rev-parse", "HEAD");

        Assert.Equal(0, (await Vt("verify")).Code);
        var (code, output, _) = await Vt("verify", "--public-key", pub);
        var wrongKey = await Vt("verify", "--public-key", otherPub);

        Assert.Equal(1, code);
        Assert.StartsWith($"{forged[..12]} projects/shop/binaries/1.1.0/linux-amd64.json: [signature] the signature does not verify with key ed25519:", output);
        Assert.EndsWith("1 finding(s) in 4 commits\n", output.Replace("\r\n", "\n"));
        Assert.Equal(1, wrongKey.Code);
        Assert.Contains("projects/shop/binaries/1.0.0/linux-amd64.json: [signature] signed by key ed25519:", wrongKey.Out);
    }

    [Fact]
    public async Task Verify_finds_a_release_edited_with_plain_git_naming_commit_and_path()
    {
        await ReleasesAsync();
        await Vt("promote", "--channel", "prod", "--release", "1.0.0", "--expect", "none");
        Assert.Equal(0, (await Vt("verify")).Code);

        var clone = Path.Combine(_project.Directory, "clone");
        GitCommand.Run(_project.Directory, "clone", "-q", _bare, clone);
        var file = Path.Combine(clone, "projects/shop/releases/1.0.0.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace(CommitA, new string('c', 40)));
        GitCommand.Run(clone, "-c", "user.name=Mallory", "-c", "user.email=m@example.test", "commit", "-qam", "quiet fix");
        GitCommand.Run(clone, "push", "-q", "origin", "main");
        var tampered = GitCommand.Run(clone, "rev-parse", "HEAD");

        var (code, output, _) = await Vt("verify");

        Assert.Equal(1, code);
        Assert.StartsWith($"{tampered[..12]} projects/shop/releases/1.0.0.json: [immutable] release record modified after it was written in commit ", output);
        Assert.EndsWith("1 finding(s) in 4 commits\n", output.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Flags_are_set_shown_and_removed()
    {
        Assert.Equal(0, (await Vt("flags", "set", "--channel", "prod", "checkout_v2=true", "rate=0.25", "banner=hello world")).Code);
        Assert.Equal(0, (await Vt("flags", "set", "--channel", "prod", "--unset", "rate")).Code);

        var (code, output, _) = await Vt("flags", "show", "--channel", "prod");

        Assert.Equal(0, code);
        Assert.Equal("banner=\"hello world\"\ncheckout_v2=true\n", output.Replace("\r\n", "\n"));
        Assert.Equal("no flags set\n", (await Vt("flags", "show", "--channel", "beta")).Out.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Bad_input_is_one_line_naming_what_and_nothing_is_committed()
    {
        await ReleasesAsync();
        var head = Head();

        var badName = await Vt("promote", "--channel", "Prod", "--release", "1.0.0", "--expect", "none");
        Assert.Equal((1, "error: channel 'Prod' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit\n"), (badName.Code, badName.Err.Replace("\r\n", "\n")));

        var unknown = await Vt("promote", "--channel", "prod", "--release", "7.0.0", "--expect", "none");
        Assert.Equal((1, "error: projects/shop/releases/7.0.0.json: project 'shop' has no release '7.0.0' (create it first with vt meta release create)\n"), (unknown.Code, unknown.Err.Replace("\r\n", "\n")));

        var badSource = await Vt("release", "create", "--id", "2.0.0", "--source", "acme/api");
        Assert.Equal((2, "error: --source 'acme/api' is not repository=commit\n"), (badSource.Code, badSource.Err.Replace("\r\n", "\n")));

        var noExpect = await Vt("promote", "--channel", "prod", "--release", "1.0.0");
        Assert.Equal(2, noExpect.Code);
        Assert.Contains("--expect", noExpect.Err);

        Assert.Equal(head, Head());
    }

    [Fact]
    public async Task An_encrypted_prod_file_is_stored_as_ciphertext_and_read_only_with_the_prod_identity()
    {
        var (prodIdentity, prodRecipient) = AgeKeygen();
        var (devIdentity, _) = AgeKeygen();
        string Config(string identity) => $$"""
            meta:
              repository: meta.git
              project: shop
              cache_directory: .work
              encryption:
                - paths: ["envs/Prod/**"]
                  recipients: ["{{prodRecipient}}"]
              identities: ["{{identity}}"]
            """;
        _project.Write("prod.yaml", Config(prodIdentity));
        _project.Write("dev.yaml", Config(devIdentity));
        _project.Write("app.yaml", "db_password: s3cr3t\n");

        var put = await _project.RunAsync("meta", "env", "put", "--env", "Prod", "--file", "app.yaml", "-c", "prod.yaml");
        Assert.Equal(0, put.Code);
        Assert.StartsWith("envs/Prod/app.yaml stored, encrypted for 1 age recipient(s): commit ", put.Out);
        Assert.StartsWith("age-encryption.org/v1", GitCommand.Run(_bare, "show", "main:envs/Prod/app.yaml"));

        var prod = await _project.RunAsync("meta", "env", "show", "--env", "Prod", "app.yaml", "-c", "prod.yaml");
        Assert.Equal((0, "db_password: s3cr3t\n"), (prod.Code, prod.Out));

        var dev = await _project.RunAsync("meta", "env", "show", "--env", "Prod", "app.yaml", "-c", "dev.yaml");
        Assert.Equal(1, dev.Code);
        Assert.Equal("error: envs/Prod/app.yaml: cannot decrypt: none of the configured age identities can read it (the file is encrypted for other recipients)\n", dev.Err.Replace("\r\n", "\n"));
        Assert.DoesNotContain(devIdentity, dev.Err + dev.Out);
    }

    private static (string Identity, string Recipient) AgeKeygen()
    {
        var start = new System.Diagnostics.ProcessStartInfo("age-keygen") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        var lines = text.Split('\n');
        return (lines.Single(l => l.StartsWith("AGE-SECRET-KEY-1", StringComparison.Ordinal)).Trim(), lines.Single(l => l.StartsWith("# public key: ", StringComparison.Ordinal))[14..].Trim());
    }

    [Fact]
    public async Task Without_a_repository_the_command_says_how_to_name_one()
    {
        File.Delete(Path.Combine(_project.Directory, "vartrack.yaml"));

        var (code, _, error) = await Vt("resolve", "--channel", "prod");

        Assert.Equal(2, code);
        Assert.Equal("error: no meta repository: give --repository URL|path, or add a meta: section with 'repository' to vartrack.yaml\n", error.Replace("\r\n", "\n"));
    }
}
