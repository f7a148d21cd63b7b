using System.Runtime.InteropServices;
using Nagare.Cli;

AllocatorSettings.LimitArenas();

// Ctrl+C and SIGTERM ask the running command to stop: syncs and builds roll back what they had not committed,
// print what they did, and the process exits 130. A second signal ends the process at once.
using var interrupt = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    signal.Cancel = !interrupt.IsCancellationRequested;
    interrupt.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await NagareCli.RunAsync(args, Console.Out, Console.Error, cancellationToken: interrupt.Token).ConfigureAwait(false);
