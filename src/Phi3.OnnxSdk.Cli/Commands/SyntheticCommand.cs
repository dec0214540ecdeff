using System.CommandLine;
using System.Globalization;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// <c>phi3 synthetic &lt;folder&gt;</c>: builds a synthetic Phi-3 model (the real architecture, I/O names, config
/// and tokenizer; random weights, so the answers are gibberish) to try everything offline with
/// <c>phi3 chat --model-path &lt;folder&gt;</c>. The first build fetches the tokenizer's vocabulary once from the
/// npm registry (<c>PHI3_LLAMA_TOKENIZER_TGZ</c> points at a local copy instead).
/// </summary>
internal sealed class SyntheticCommand : IPhi3Command
{
    public int Order => 3;

    public Command Create(CliContext context)
    {
        var command = new Command("synthetic", "Build a synthetic Phi-3 model (random weights) to try phi3 offline: phi3 synthetic /tmp/tiny, then phi3 chat --model-path /tmp/tiny.");
        var folder = new Argument<string>("folder") { Description = "Where to write the model." };
        var preset = CliOptions.Choice<string>(
            "--preset", string.Join('|', SyntheticModelPresets.Names), "The model shape (default tiny: 2 layers, built in seconds; mini-int4 is the real Phi-3-mini shape, 2.8 GB).",
            word => SyntheticModelPresets.Names.FirstOrDefault(n => n.Equals(word, StringComparison.OrdinalIgnoreCase)),
            string.Join(", ", SyntheticModelPresets.Names));
        var seed = CliOptions.Long("--seed", "n", "The weight seed (default 1).");
        command.Arguments.Add(folder);
        command.Options.Add(preset);
        command.Options.Add(seed);
        command.SetAction((result, _) => context.RunCancellableAsync(async token =>
        {
            var options = SyntheticModelPresets.Get(result.GetValue(preset) ?? "tiny") with { Seed = result.GetValue(seed) ?? 1 };
            string target = Path.GetFullPath(result.GetRequiredValue(folder));
            var progress = new Progress<string>(line => context.Console.Note($"  {line}"));
            await SyntheticModelBuilder.BuildAsync(target, options, progress, token).ConfigureAwait(false);
            context.Console.Note(string.Create(CultureInfo.InvariantCulture, $"Built a synthetic {options.Preset} model (random weights: the answers are gibberish). Chat with it: phi3 chat --model-path {target}"));
            context.Console.Output.WriteLine(target);
            return ExitCodes.Success;
        }));
        return command;
    }
}
