using System.Globalization;
using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// <c>phi3 download</c>: resolves the variant (for this machine, or the one <c>--assume</c> describes), downloads it
/// into the Hugging Face cache with a progress bar on stderr, and prints the local folder on stdout.
/// </summary>
internal static class DownloadCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var progress = new SetupProgressReporter(error, ConsoleStyle.ErrorIsTerminal);
        Phi3PreparedModel prepared;
        try
        {
            prepared = await Phi3ModelProvisioner.PrepareAsync(
                args.ToPhi3Options(),
                progress,
                logger: null,
                hardwareProbe: args.Assume is { } profile ? new FixedHardwareProbe(profile.Hardware) : null,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            progress.Complete();
        }

        string what = prepared.Resolution?.Variant.Id ?? prepared.Folder;
        error.WriteLine(ConsoleStyle.Dim(prepared.BytesDownloaded > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Downloaded {what} ({prepared.BytesDownloaded / 1e6:0.0} MB)")
            : $"{what} is already in the cache"));
        output.WriteLine(prepared.Folder);
        return ExitCodes.Success;
    }
}
