using System.CommandLine;

namespace Phi3.OnnxSdk.Cli;

/// <summary>The options of an answer: system prompt, length, sampling, statistics. Each command takes its own instance.</summary>
internal sealed class GenerationOptions
{
    public Option<string?> System { get; } = CliOptions.AnyText("--system", "-s", "text", "System prompt.");

    public Option<int?> MaxTokens { get; } = CliOptions.Int("--max-tokens", "-n", "n", $"Most tokens per answer (default {Phi3ChatClientOptions.DefaultMaxOutputTokens}).", min: 1);

    public Option<float?> Temperature { get; } = CliOptions.Float("--temperature", "-t", "t", "Sampling temperature (default: greedy).", min: 0, max: 5);

    public Option<float?> TopP { get; } = CliOptions.Float("--top-p", null, "p", "Nucleus sampling.", min: 0, max: 1);

    public Option<int?> TopK { get; } = CliOptions.Int("--top-k", null, "k", "Top-k sampling.", min: 1);

    public Option<long?> Seed { get; } = CliOptions.Long("--seed", "n", "Sampling seed.");

    public Option<bool> NoStats { get; } = CliOptions.Flag("--no-stats", "Do not print time to first token and tokens/s after answers.");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (Option option in (Option[])[System, MaxTokens, Temperature, TopP, TopK, Seed, NoStats])
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Returns the client defaults the parsed command line describes.</summary>
    public Phi3ChatClientOptions ToClientOptions(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new Phi3ChatClientOptions
        {
            MaxOutputTokens = result.GetValue(MaxTokens),
            Temperature = result.GetValue(Temperature),
            TopP = result.GetValue(TopP),
            TopK = result.GetValue(TopK),
            Seed = result.GetValue(Seed),
        };
    }
}
