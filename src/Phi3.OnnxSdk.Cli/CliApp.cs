using System.Reflection;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// The <c>phi3</c> program: parses the command line, runs the command, and turns every failure into one line on
/// stderr (<c>phi3: message</c>) and a non-zero exit code (see <see cref="ExitCodes"/>), never a stack trace.
/// </summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var output = Console.Out;
        var error = Console.Error;
        try
        {
            var parsed = ArgumentParser.Parse(args);
            switch (parsed.Command)
            {
                case CliCommand.Help:
                    output.WriteLine(Usage.Text);
                    return ExitCodes.Success;
                case CliCommand.Version:
                    output.WriteLine($"phi3 {Version}");
                    return ExitCodes.Success;
                default:
                    break;
            }

            using var interrupts = new InterruptHandler(error);
            return parsed.Command switch
            {
                CliCommand.Models => await RunCancellableAsync(interrupts, ct => ModelsCommand.RunAsync(parsed, output, ct)).ConfigureAwait(false),
                CliCommand.Download => await RunCancellableAsync(interrupts, ct => DownloadCommand.RunAsync(parsed, output, error, ct)).ConfigureAwait(false),
                _ => await new ChatCommand(parsed, Console.In, output, error, interrupts).RunAsync().ConfigureAwait(false),
            };
        }
        catch (CliUsageException ex)
        {
            error.WriteLine($"phi3: {ErrorText.Describe(ex)}");
            return ExitCodes.BadArguments;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("phi3: cancelled");
            return ExitCodes.Cancelled;
        }
#pragma warning disable CA1031 // The program's last line of defence: every failure becomes one line, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error.WriteLine($"phi3: {ErrorText.Describe(ex)}");
            return ExitCodes.Failed;
        }
    }

    private static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static async Task<int> RunCancellableAsync(InterruptHandler interrupts, Func<CancellationToken, Task<int>> command)
    {
        var token = interrupts.Begin();
        try
        {
            return await command(token).ConfigureAwait(false);
        }
        finally
        {
            interrupts.End();
        }
    }
}
