using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VarTrack.Connectors;
using VarTrack.Core;
using VarTrack.Core.Config;
using VarTrack.Functions;
using VarTrack.Functions.Webhooks;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

var settings = new AppSettings(builder.Configuration);
var config = VarTrackConfigLoader.LoadFile(settings.ConfigPath);
builder.Services.AddVarTrackConnectors(config, state: settings.State());
// The sync starter is the Durable client of one invocation, so webhook handlers are built per call (see WebhookFunction).
builder.Services.AddSingleton<WebhookHandlerFactory>();
builder.Services.AddVarTrackCore(config);

builder.Build().Run();
