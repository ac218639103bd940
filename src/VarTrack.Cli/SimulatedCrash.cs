namespace VarTrack.Cli;

/// <summary>
/// Thrown only by a test hook of <see cref="NodeFileWriter"/> to stop a write the way a killed process stops: no
/// rollback runs, the journal and the files stay as they are, for the next run to recover.
/// </summary>
internal sealed class SimulatedCrash() : Exception("simulated crash");
