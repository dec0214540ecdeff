using System.CommandLine;
using System.Globalization;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// <c>phi3 download</c> (alias <c>pull</c>): resolves the variant (for this machine, or the one <c>--assume</c>
/// describes), downloads it into the Hugging Face cache with progress on stderr, and prints the local folder on stdout.
/// </summary>
internal sealed class DownloadCommand : IPhi3Command
{
    public int Order => 2;

    public Command Create(CliContext context)
    {
        var command = new Command("download", "Download the variant picked for this machine (or an assumed one) into the Hugging Face cache; print its folder.");
        command.Aliases.Add("pull");
        var model = new ModelOptions();
        model.AddTo(command, localModel: false, plan: true);
        command.SetAction((result, _) => context.RunCancellableAsync(async token =>
        {
            var options = model.ToPhi3Options(result, context.Logger);
            var probe = result.GetValue(model.Assume) is { } profile ? new FixedHardwareProbe(profile.Hardware) : null;
            var prepared = await ModelLoader.PrepareAsync(context, options, probe, token).ConfigureAwait(false);
            string what = prepared.Resolution?.Variant.Id ?? prepared.Folder;
            context.Console.Note(prepared.BytesDownloaded > 0
                ? string.Create(CultureInfo.InvariantCulture, $"Downloaded {what} ({prepared.BytesDownloaded / 1e6:0.0} MB)")
                : $"{what} is already in the cache");
            context.Console.Output.WriteLine(prepared.Folder);
            return ExitCodes.Success;
        }));
        return command;
    }
}
