using VarTrack.Server;

// vartrack-server: the self-hosted VarTrack (webhooks, sync status, drift watch) on http://127.0.0.1:7071 by default.
await ServerApp.Create(args).RunAsync();
