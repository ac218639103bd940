using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt meta ...</c>: release metadata in a Git repository. Releases, binaries and promotion events are immutable
/// records; a promotion is a compare-and-swap on the channel (exit code 7 (ExitCodes.Conflict) on a conflict, nothing written); a rollback
/// appends an event; <c>verify</c> checks the whole history. Reads fetch the branch first.
/// </summary>
internal static class MetaCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(VtOptions options)
    {
        var meta = new MetaOptions();
        var command = new Command("meta", "Release metadata in Git: releases, binaries, channel promotions (compare-and-swap), flags, verification.")
        {
            Release(options, meta),
            Binary(options, meta),
            Promote(options, meta),
            Rollback(options, meta),
            Resolve(options, meta),
            Lineage(options, meta),
            Flags(options, meta),
            Env(options, meta),
            Verify(options, meta),
            MetaNotificationsCommand.Create(options),
        };
        meta.AddTo(command);
        return command;
    }

    private static Command Release(VtOptions options, MetaOptions meta)
    {
        var id = new Option<string>("--id") { Description = "The release id (lowercase letters, digits, '.', '_', '-').", Required = true };
        var sources = new Option<string[]>("--source") { Description = "repository=commit (full commit id); repeat for every repository the release was built from.", Required = true };
        var notes = new Option<string?>("--notes") { Description = "Free text." };
        var builder = new Option<string?>("--builder") { Description = "What built it (CI job, machine)." };
        var create = new Command("create", "Record a new release (immutable) with the commit of every repository it was built from.") { id, sources, notes, builder };
        create.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var project = session.Project;
            var record = new ReleaseRecord(parse.GetValue(id)!, MetaEventName.Truncate(session.Writer.Time.GetUtcNow()), ParseSources(parse.GetValue(sources)!),
                parse.GetValue(builder), parse.GetValue(notes));
            var result = await session.Writer.CreateReleaseAsync(project, record, ct);
            await Written(session, result, $"release {record.Id} of project {project} created");
            return ExitCodes.Ok;
        }));

        var showId = new Option<string>("--id") { Description = "The release id.", Required = true };
        var show = new Command("show", "Show a release: its sources and its binaries.") { showId };
        show.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var project = session.Project;
            var tree = await session.Repository.ReadTipAsync(TimeSpan.Zero, ct);
            var release = MetaRecords.Release(tree, project, MetaNames.Release(parse.GetValue(showId)))
                ?? throw new VarTrackException(new Problem($"project '{project}' has no release '{parse.GetValue(showId)}'"));
            var binaries = MetaRecords.Binaries(tree, project, release.Id);
            if (session.Context.JsonOutput)
            {
                var json = release.ToSortedJson();
                json["binaries"] = new JsonObject(binaries.Select(b => KeyValuePair.Create(b.Path.Platform!, (JsonNode?)b.Record.ToSortedJson())));
                await WriteJsonAsync(session, json);
                return ExitCodes.Ok;
            }
            var output = session.Context.Output;
            await output.WriteLineAsync($"release {release.Id} of project {project}, created {RecordFields(release.Created)}{(release.Builder is null ? "" : $" by {release.Builder}")}");
            if (release.Notes is not null) await output.WriteLineAsync($"  notes: {release.Notes}");
            foreach (var (repository, commit) in release.Sources.OrderBy(s => s.Key, StringComparer.Ordinal)) await output.WriteLineAsync($"  source {repository} {commit}");
            foreach (var (path, binary) in binaries) await output.WriteLineAsync($"  binary {path.Platform} {binary.Digest} {binary.Size} bytes {binary.Url} (signed by {binary.KeyId})");
            return ExitCodes.Ok;
        }));
        return new Command("release", "Create or show releases.") { create, show };
    }

    private static Command Binary(VtOptions options, MetaOptions meta)
    {
        var release = new Option<string>("--release") { Description = "The release the binary belongs to.", Required = true };
        var os = new Option<string>("--os") { Description = "Operating system, e.g. linux.", Required = true };
        var arch = new Option<string>("--arch") { Description = "Architecture, e.g. amd64.", Required = true };
        var file = new Option<string>("--file") { Description = "The binary (its SHA-256 and size are computed).", Required = true };
        var url = new Option<string>("--url") { Description = "Where the binary is stored (immutable storage).", Required = true };
        var key = new Option<string>("--key") { Description = "Ed25519 private key, PEM (openssl genpkey -algorithm ed25519).", Required = true };
        var add = new Command("add", "Record a signed binary of a release for one platform (immutable).") { release, os, arch, file, url, key };
        add.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var project = session.Project;
            var (releaseId, osName, archName) = (MetaNames.Release(parse.GetValue(release)), MetaNames.Os(parse.GetValue(os)), MetaNames.Arch(parse.GetValue(arch)));
            var (digest, size) = await DigestAsync(session, parse.GetValue(file)!, ct);
            var keyPath = parse.GetValue(key)!;
            var (signature, keyId) = BinarySignature.Sign(BinarySignature.Statement(project, releaseId, osName, archName, digest, size), await ReadKeyAsync(session, keyPath, ct), keyPath);
            var record = new BinaryRecord(digest, size, parse.GetValue(url)!, signature, keyId);
            var result = await session.Writer.AddBinaryAsync(project, releaseId, osName, archName, record, ct);
            await Written(session, result, $"binary {osName}-{archName} of release {releaseId} recorded: {digest}, {size} bytes, signed by {keyId}");
            return ExitCodes.Ok;
        }));

        var vRelease = new Option<string>("--release") { Description = "The release.", Required = true };
        var vOs = new Option<string>("--os") { Description = "Operating system.", Required = true };
        var vArch = new Option<string>("--arch") { Description = "Architecture.", Required = true };
        var vFile = new Option<string>("--file") { Description = "The downloaded binary.", Required = true };
        var publicKey = new Option<string>("--public-key") { Description = "Ed25519 public key, PEM (openssl pkey -pubout).", Required = true };
        var verify = new Command("verify", "Check a downloaded binary against its record: digest, size and signature. Exit 1 on any mismatch.") { vRelease, vOs, vArch, vFile, publicKey };
        verify.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var project = session.Project;
            var (releaseId, osName, archName) = (MetaNames.Release(parse.GetValue(vRelease)), MetaNames.Os(parse.GetValue(vOs)), MetaNames.Arch(parse.GetValue(vArch)));
            var tree = await session.Repository.ReadTipAsync(TimeSpan.Zero, ct);
            var record = MetaRecords.Binary(tree, project, releaseId, osName, archName)
                ?? throw new VarTrackException(new Problem($"release '{releaseId}' of project '{project}' has no {osName}-{archName} binary") { File = MetaPaths.Binary(project, releaseId, osName, archName) });
            var (digest, size) = await DigestAsync(session, parse.GetValue(vFile)!, ct);
            var keyPath = parse.GetValue(publicKey)!;
            var key = BinarySignature.PublicKey(await ReadKeyAsync(session, keyPath, ct), keyPath);
            var problems = new List<string>();
            if (digest != record.Digest) problems.Add($"digest mismatch: the file is {digest}, the record says {record.Digest}");
            if (size != record.Size) problems.Add($"size mismatch: the file has {size} bytes, the record says {record.Size}");
            if (BinarySignature.KeyIdOf(key) != record.KeyId) problems.Add($"the record was signed by key {record.KeyId}, not by the given key {BinarySignature.KeyIdOf(key)}");
            else if (!BinarySignature.Verify(BinarySignature.Statement(project, releaseId, osName, archName, record.Digest, record.Size), record.Signature, key))
                problems.Add("the signature does not verify with the given key (the record was altered or signed for something else)");
            foreach (var problem in problems) await session.Context.Error.WriteLineAsync($"error: {MetaPaths.Binary(project, releaseId, osName, archName)}: {problem}");
            if (problems.Count == 0) await session.Context.Output.WriteLineAsync($"ok: {osName}-{archName} of release {releaseId}: {digest}, {size} bytes, signature by {record.KeyId} valid");
            return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return new Command("binary", "Record or verify signed binaries.") { add, verify };
    }

    private static Command Promote(VtOptions options, MetaOptions meta)
    {
        var channel = new Option<string>("--channel") { Description = "The channel, e.g. prod.", Required = true };
        var release = new Option<string>("--release") { Description = "The release to run on the channel.", Required = true };
        var expect = new Option<string>("--expect") { Description = "The release the channel must be at now ('none' for a new channel); otherwise nothing is written and the exit code is 7.", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the event)." };
        var command = new Command("promote", "Point a channel at a release, if it is still at the expected release (compare-and-swap).") { channel, release, expect, reason };
        command.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var expected = parse.GetValue(expect)!;
            var result = await session.Writer.PromoteAsync(session.Project, parse.GetValue(channel)!, parse.GetValue(release)!, expected == MetaNames.None ? null : expected,
                session.Actor, parse.GetValue(reason), ct);
            await Written(session, result, $"channel {parse.GetValue(channel)} of project {session.Project} now at release {parse.GetValue(release)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Rollback(VtOptions options, MetaOptions meta)
    {
        var channel = new Option<string>("--channel") { Description = "The channel.", Required = true };
        var to = new Option<string?>("--to") { Description = "The release to go back to (default: the one the last event replaced)." };
        var expect = new Option<string?>("--expect") { Description = "The release the channel must be at now; otherwise nothing is written and the exit code is 7." };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the event)." };
        var command = new Command("rollback", "Append an event pointing the channel back to an earlier release (history is never rewritten).") { channel, to, expect, reason };
        command.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var result = await session.Writer.RollbackAsync(session.Project, parse.GetValue(channel)!, parse.GetValue(to), parse.GetValue(expect), session.Actor, parse.GetValue(reason), ct);
            var released = PromotionEvent.Parse(CanonicalJson.ParseObject(result.Change.Files[0].Content, result.Change.Files[0].Path), MetaRecords.Parsed(result.Change.Files[0].Path));
            await Written(session, result, $"channel {parse.GetValue(channel)} of project {session.Project} rolled back to release {released.ReleaseId} (was {released.PreviousReleaseId})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Resolve(VtOptions options, MetaOptions meta)
    {
        var channel = new Option<string>("--channel") { Description = "The channel.", Required = true };
        var command = new Command("resolve", "The channel's current release (the release of its last event), its binaries and the event.") { channel };
        command.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var tree = await session.Repository.ReadTipAsync(TimeSpan.Zero, ct);
            var answer = MetaChannelView.Build(tree, session.Project, parse.GetValue(channel)!);
            if (answer.StatusCode != 200) throw new VarTrackException(new Problem(answer.Body["message"]!.GetValue<string>()));
            if (session.Context.JsonOutput)
            {
                await WriteJsonAsync(session, answer.Body);
                return ExitCodes.Ok;
            }
            var body = answer.Body;
            var @event = body["event"]!;
            var output = session.Context.Output;
            await output.WriteLineAsync($"{session.Project}/{body["channel"]}: release {body["release"]!["id"]} (promoted by {@event["actor"]} at {@event["created"]}, from {@event["previous_release_id"]?.ToString() ?? "nothing"})");
            await output.WriteLineAsync($"  event {@event["path"]}");
            foreach (var (platform, binary) in body["binaries"]!.AsObject()) await output.WriteLineAsync($"  binary {platform} {binary!["digest"]} {binary["url"]}");
            await output.WriteLineAsync($"  commit {body["commit"]}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Lineage(VtOptions options, MetaOptions meta)
    {
        var digest = new Option<string>("--binary-digest") { Description = "sha256:<hex> (or the bare hex) of a binary.", Required = true };
        var command = new Command("lineage", "Binary digest -> binary record -> release -> the commit of every repository it was built from.") { digest };
        command.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var tree = await session.Repository.ReadTipAsync(TimeSpan.Zero, ct);
            var problems = new List<Problem>();
            var matches = MetaLineage.Find(tree, parse.GetValue(digest)!, problems);
            foreach (var problem in problems) await session.Context.Error.WriteLineAsync($"warning: {problem}");
            if (matches.Count == 0)
                throw new VarTrackException(new Problem($"no binary with digest {BinaryRecord.NormalizeDigest(parse.GetValue(digest)!)} in the meta repository"));
            if (session.Context.JsonOutput)
            {
                var list = new JsonArray();
                foreach (var m in matches)
                    list.Add(new JsonObject { ["project"] = m.Project, ["platform"] = m.BinaryPath.Platform, ["binary_path"] = m.BinaryPath.Path, ["binary"] = m.Binary.ToSortedJson(), ["release"] = m.Release?.ToSortedJson() });
                await WriteJsonAsync(session, new JsonObject { ["matches"] = list, ["commit"] = tree.Commit });
                return ExitCodes.Ok;
            }
            foreach (var m in matches)
            {
                await session.Context.Output.WriteLineAsync($"{m.Binary.Digest} is {m.BinaryPath.Platform} of release {m.BinaryPath.ReleaseId} of project {m.Project} ({m.BinaryPath.Path})");
                if (m.Release is null) continue;
                await session.Context.Output.WriteLineAsync($"  release {m.Release.Id} created {RecordFields(m.Release.Created)}{(m.Release.Builder is null ? "" : $" by {m.Release.Builder}")}");
                foreach (var (repository, commit) in m.Release.Sources.OrderBy(s => s.Key, StringComparer.Ordinal)) await session.Context.Output.WriteLineAsync($"  source {repository} {commit}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Flags(VtOptions options, MetaOptions meta)
    {
        var channel = new Option<string>("--channel") { Description = "The channel.", Required = true };
        var assignments = new Argument<string[]>("name=value") { Description = "Flags to set (true/false, a number, or text).", Arity = ArgumentArity.ZeroOrMore };
        var unset = new Option<string[]>("--unset") { Description = "A flag to remove (repeatable)." };
        var set = new Command("set", "Set or remove feature flags of a channel (other flags are kept, also ones set concurrently).") { channel, assignments, unset };
        set.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var values = new Dictionary<string, JsonValue>(StringComparer.Ordinal);
            foreach (var assignment in parse.GetValue(assignments) ?? [])
            {
                var equals = assignment.IndexOf('=');
                if (equals <= 0) throw new UsageException($"'{assignment}' is not name=value");
                values[assignment[..equals]] = FlagSet.ValueOf(assignment[(equals + 1)..]);
            }
            var result = await session.Writer.SetFlagsAsync(session.Project, parse.GetValue(channel)!, values, parse.GetValue(unset) ?? [], ct);
            await Written(session, result, $"flags of channel {parse.GetValue(channel)} of project {session.Project} updated");
            return ExitCodes.Ok;
        }));

        var showChannel = new Option<string>("--channel") { Description = "The channel.", Required = true };
        var show = new Command("show", "The feature flags of a channel (decrypted with meta.identities when stored encrypted).") { showChannel };
        show.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var tree = await session.Repository.ReadTipAsync(TimeSpan.Zero, ct);
            var flags = await session.Writer.ReadFlagsAsync(tree, session.Project, MetaNames.Channel(parse.GetValue(showChannel)), ct);
            if (session.Context.JsonOutput) await WriteJsonAsync(session, flags.ToJson()["flags"]!);
            else if (flags.Flags.Count == 0) await session.Context.Output.WriteLineAsync("no flags set");
            else
                foreach (var (name, value) in flags.Flags.OrderBy(f => f.Key, StringComparer.Ordinal))
                    await session.Context.Output.WriteLineAsync($"{name}={value.ToJsonString()}");
            return ExitCodes.Ok;
        }));
        return new Command("flags", "Feature flags per channel.") { set, show };
    }

    private static Command Env(VtOptions options, MetaOptions meta)
    {
        var environment = new Option<string>("--env") { Description = "Dev, Stage or Prod.", Required = true };
        var developer = new Option<string?>("--developer") { Description = "A developer's own folder under envs/Dev." };
        var file = new Option<string>("--file") { Description = "The local file to store.", Required = true };
        var name = new Option<string?>("--name") { Description = "Its path under the environment folder (default: the file's name)." };
        var put = new Command("put", "Store an environment config file under envs/ (encrypted when a meta.encryption rule matches its path).") { environment, developer, file, name };
        put.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var local = Path.GetFullPath(parse.GetValue(file)!, session.Context.WorkingDirectory);
            if (!File.Exists(local)) throw new UsageException($"file '{parse.GetValue(file)}' not found");
            var result = await session.Writer.PutEnvironmentFileAsync(parse.GetValue(environment)!, parse.GetValue(developer), parse.GetValue(name) ?? Path.GetFileName(local),
                await File.ReadAllBytesAsync(local, ct), ct);
            var path = result.Change.Files[0].Path;
            await Written(session, result, $"{path} stored{(session.Codec.RecipientsFor(path) is { } r ? $", encrypted for {r.Count} age recipient(s)" : "")}");
            return ExitCodes.Ok;
        }));

        var showEnvironment = new Option<string>("--env") { Description = "Dev, Stage or Prod.", Required = true };
        var showDeveloper = new Option<string?>("--developer") { Description = "A developer's own folder under envs/Dev." };
        var showName = new Argument<string>("name") { Description = "The file's path under the environment folder." };
        var show = new Command("show", "Print an environment config file (decrypted with meta.identities when encrypted).") { showEnvironment, showDeveloper, showName };
        show.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            var path = MetaPaths.EnvironmentFile(parse.GetValue(showEnvironment)!, parse.GetValue(showDeveloper), parse.GetValue(showName)!);
            var tree = await session.Repository.ReadTipAsync(TimeSpan.Zero, ct);
            var stored = tree.Read(path) ?? throw new VarTrackException(new Problem("the file does not exist in the meta repository") { File = path });
            var plain = await session.Codec.DecodeAsync(path, stored, ct);
            await session.Context.Output.WriteAsync(Encoding.UTF8.GetString(plain));
            return ExitCodes.Ok;
        }));
        return new Command("env", "Environment config files (envs/Dev|Stage|Prod[/developer]/...).") { put, show };
    }

    private static Command Verify(VtOptions options, MetaOptions meta)
    {
        var publicKeys = new Option<string[]>("--public-key") { Description = "Ed25519 public key(s), PEM: also check every binary record's signature (repeat for several keys).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("verify", "Check the whole history: immutable records never changed or deleted, canonical JSON, schemas, event chains; with --public-key, binary signatures. Exit 1 on any finding.") { publicKeys };
        command.SetAction((parse, ct) => Run(options, meta, parse, async session =>
        {
            List<Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters>? keys = null;
            foreach (var keyPath in parse.GetValue(publicKeys) ?? [])
                (keys ??= []).Add(BinarySignature.PublicKey(await ReadKeyAsync(session, keyPath, ct), keyPath));
            var history = await session.Repository.HistoryAsync(ct);
            var findings = MetaVerifier.Verify(history, keys);
            if (session.Context.JsonOutput)
            {
                var list = new JsonArray();
                foreach (var f in findings) list.Add(new JsonObject { ["commit"] = f.Commit, ["path"] = f.Path, ["rule"] = f.Rule, ["message"] = f.Message });
                await WriteJsonAsync(session, new JsonObject { ["commits"] = history.Count, ["findings"] = list });
            }
            else
            {
                foreach (var finding in findings) await session.Context.Output.WriteLineAsync(finding.ToString());
                var files = history.Sum(h => h.Changes.Count);
                await session.Context.Output.WriteLineAsync(findings.Count == 0
                    ? $"ok: {history.Count} commits, {files} file changes checked, no findings"
                    : $"{findings.Count} finding(s) in {history.Count} commits");
            }
            return findings.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    /// <summary>Opens the session and maps a promotion conflict to its own exit code.</summary>
    private static Task<int> Run(VtOptions options, MetaOptions meta, ParseResult parse, Func<MetaSession, Task<int>> work) =>
        options.RunAsync(parse, async context =>
        {
            try
            {
                using var session = MetaSession.Open(context, parse, meta);
                return await work(session);
            }
            catch (PromotionConflictException ex)
            {
                await context.Error.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.Conflict;
            }
        });

    private static async Task Written(MetaSession session, MetaCommitResult result, string what)
    {
        if (session.Context.JsonOutput)
        {
            await WriteJsonAsync(session, new JsonObject
            {
                ["commit"] = result.Commit,
                ["paths"] = new JsonArray([.. result.Change.Files.Select(f => (JsonNode)f.Path)]),
                ["message"] = result.Change.Message,
                ["attempts"] = result.Attempts,
            });
            return;
        }
        await session.Context.Output.WriteLineAsync($"{what}: commit {result.Commit[..12]} ({string.Join(", ", result.Change.Files.Select(f => f.Path))})");
    }

    private static Task WriteJsonAsync(MetaSession session, JsonNode json) => session.Context.Output.WriteLineAsync(json.ToJsonString(Indented));

    private static Dictionary<string, string> ParseSources(IEnumerable<string> sources)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var equals = source.LastIndexOf('=');
            if (equals <= 0) throw new UsageException($"--source '{source}' is not repository=commit");
            var repository = source[..equals];
            if (!result.TryAdd(repository, source[(equals + 1)..].Trim().ToLowerInvariant()))
                throw new UsageException($"--source names repository '{repository}' twice");
        }
        return result;
    }

    private static async Task<(string Digest, long Size)> DigestAsync(MetaSession session, string file, CancellationToken ct)
    {
        var full = Path.GetFullPath(file, session.Context.WorkingDirectory);
        if (!File.Exists(full)) throw new UsageException($"file '{file}' not found");
        await using var stream = File.OpenRead(full);
        var hash = await SHA256.HashDataAsync(stream, ct);
        return (BinaryRecord.DigestPrefix + Convert.ToHexStringLower(hash), stream.Length);
    }

    private static async Task<string> ReadKeyAsync(MetaSession session, string file, CancellationToken ct)
    {
        var full = Path.GetFullPath(file, session.Context.WorkingDirectory);
        if (!File.Exists(full)) throw new UsageException($"key file '{file}' not found");
        return await File.ReadAllTextAsync(full, ct);
    }

    private static string RecordFields(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
