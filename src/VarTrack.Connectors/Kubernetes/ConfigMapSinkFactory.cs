using k8s;
using k8s.Exceptions;
using VarTrack.Connectors.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Kubernetes;

/// <summary>
/// Creates <see cref="ConfigMapSink"/> for type <c>kubernetes_configmap</c>. Settings: <c>namespace</c> (required),
/// <c>kubeconfig</c> (a path; '~/' is the home folder, a relative path is taken from the working directory),
/// <c>context</c> (a context of that kubeconfig; default its current-context) and <c>labels</c> (added to every
/// ConfigMap). With neither kubeconfig nor context, a process running in a pod uses its service account (in-cluster
/// config); elsewhere the default kubeconfig (the first file of $KUBECONFIG, else ~/.kube/config) is used.
/// </summary>
public sealed class ConfigMapSinkFactory : ISinkFactory
{
    public const string TypeName = "kubernetes_configmap";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly Func<bool> _isInCluster;
    private readonly Func<string> _defaultKubeconfig;

    public ConfigMapSinkFactory() : this(KubernetesClientConfiguration.IsInCluster, DefaultKubeconfig) { }

    /// <summary>For tests: whether this process counts as running in a pod, and where the default kubeconfig is.</summary>
    internal ConfigMapSinkFactory(Func<bool> isInCluster, Func<string> defaultKubeconfig)
    {
        _isInCluster = isInCluster;
        _defaultKubeconfig = defaultKubeconfig;
    }

    public string Type => TypeName;

    public Task<ISink> CreateAsync(SinkSettings settings, CancellationToken cancellationToken = default)
    {
        var @namespace = settings.RequiredText("namespace");
        if (ConfigMapNames.LabelProblem(@namespace) is { } namespaceProblem)
            throw Bad(settings, $"setting 'namespace' '{@namespace}' is not a valid namespace name: {namespaceProblem}");
        var labels = settings.Definition.Labels;
        foreach (var (key, value) in labels)
        {
            if (key == ConfigMapSink.ManagedByLabel)
                throw Bad(settings, $"label '{key}' is set by VarTrack (to '{ConfigMapSink.ManagedByValue}'); remove it from 'labels'");
            if (ConfigMapNames.LabelKeyProblem(key) is { } keyProblem) throw Bad(settings, $"label '{key}' is not a valid label name: {keyProblem}");
            if (ConfigMapNames.LabelValueProblem(value) is { } valueProblem) throw Bad(settings, $"label '{key}' has an invalid value: {valueProblem}");
        }

        var configuration = Configuration(settings);
        configuration.HttpClientTimeout = RequestTimeout;
        IKubernetes client;
        try
        {
            client = new k8s.Kubernetes(configuration);
        }
        catch (Exception ex) when (ex is KubeConfigException or UriFormatException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw Bad(settings, $"the kubeconfig cannot be used: {ex.Message}");
        }
        return Task.FromResult<ISink>(new ConfigMapSink(client, @namespace, labels));
    }

    private KubernetesClientConfiguration Configuration(SinkSettings settings)
    {
        var path = settings.Text("kubeconfig");
        var context = settings.Text("context");
        if (path is null && context is null && _isInCluster())
        {
            try
            {
                return KubernetesClientConfiguration.InClusterConfig();
            }
            catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException)
            {
                throw Bad(settings, $"running in a pod, but its service account cannot be used: {ex.Message}");
            }
        }

        var file = ExpandHome(path ?? _defaultKubeconfig());
        var what = path is null ? $"default kubeconfig '{file}'" : $"kubeconfig '{file}' (setting 'kubeconfig')";
        if (!File.Exists(file))
            throw Bad(settings, path is null
                ? $"no kubeconfig: not running in a pod and {what} does not exist; set 'kubeconfig'"
                : $"{what} does not exist");
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(file, context);
        }
        catch (KubeConfigException ex) when (context is not null && ex.Message.Contains(context, StringComparison.Ordinal))
        {
            throw Bad(settings, $"setting 'context' '{context}' is not a context of {what}");
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw Bad(settings, $"{what} is not valid YAML at line {ex.Start.Line}: {ex.Message.TrimEnd('.')}");
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or FormatException
                                       or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw Bad(settings, $"{what} cannot be used: {ex.Message}");
        }
    }

    /// <summary>The first file of $KUBECONFIG, as kubectl reads it, else ~/.kube/config.</summary>
    private static string DefaultKubeconfig() =>
        Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
        ?? KubernetesClientConfiguration.KubeConfigDefaultLocation;

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "")
            : Path.GetFullPath(path);

    private static VarTrackException Bad(SinkSettings settings, string message) =>
        new(new Problem(message) { Sink = settings.Name });
}
