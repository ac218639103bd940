using Microsoft.Extensions.Configuration;

namespace VarTrack.Functions.Tests;

public sealed class AppSettingsTests
{
    [Fact]
    public void The_config_path_is_resolved_against_the_app_folder()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "vartrack.yaml"), Settings().ConfigPath);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "config", "prod.yaml"), Settings(("VARTRACK_CONFIG", "config/prod.yaml")).ConfigPath);
        Assert.Equal("/etc/vartrack/vartrack.yaml", Settings(("VARTRACK_CONFIG", "/etc/vartrack/vartrack.yaml")).ConfigPath);
    }

    [Fact]
    public void State_goes_to_the_host_storage_account_unless_vartrack_has_its_own()
    {
        var host = Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true")).State();
        var own = Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("VARTRACK_STATE_CONNECTION", "DefaultEndpointsProtocol=https;AccountName=state")).State();

        Assert.Equal("UseDevelopmentStorage=true", host.BlobConnection);
        Assert.Equal("DefaultEndpointsProtocol=https;AccountName=state", own.BlobConnection);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "vartrack"), host.Directory);
    }

    [Fact]
    public void Identity_based_host_storage_asks_for_a_state_connection_string()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings(("AzureWebJobsStorage:accountName", "vartrackfunc")).State());

        Assert.Equal("AzureWebJobsStorage uses an identity-based connection; set VARTRACK_STATE_CONNECTION to a Blob storage " +
                     "connection string (for example a Key Vault reference) for VarTrack's state", error.Message);
        Assert.Equal("DefaultEndpointsProtocol=https;AccountName=state",
            Settings(("AzureWebJobsStorage:accountName", "vartrackfunc"), ("VARTRACK_STATE_CONNECTION", "DefaultEndpointsProtocol=https;AccountName=state")).State().BlobConnection);
    }

    [Fact]
    public void No_storage_at_all_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings().State());

        Assert.Equal("set AzureWebJobsStorage (or VARTRACK_STATE_CONNECTION) to a Blob storage connection string for VarTrack's state", error.Message);
    }

    private static AppSettings Settings(params (string Key, string Value)[] values) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());
}
