using VarTrack.Cli;

return await VtApp.RunAsync(args, Console.Out, Console.Error, Environment.CurrentDirectory);
