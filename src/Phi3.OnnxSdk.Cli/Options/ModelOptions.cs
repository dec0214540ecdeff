using System.CommandLine;
using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Provisioning;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// The options that say which model to run and where its files come from, shared by every command that resolves or
/// loads a model (chat, serve, models, download; a new command adds them with <see cref="AddTo"/>). Each command takes
/// its own instance.
/// </summary>
internal sealed class ModelOptions
{
    private bool _localModel;

    public Option<string?> ModelPath { get; } = CliOptions.Text("--model-path", "-p", "folder", "A local model folder (genai_config.json, ONNX files, tokenizer): no catalog, no download.");

    public Option<string?> Model { get; } = CliOptions.Text("--model", "-m", "family", "Model family or alias (default phi-3-mini-128k-instruct, or PHI3_MODEL).");

    public Option<string?> Variant { get; } = CliOptions.Text("--variant", null, "name", "Force a variant of the family (or PHI3_VARIANT).");

    public Option<string?> Provider { get; } = CliOptions.Choice<string>(
        "--provider", "cpu|cuda|dml|auto", "Force an execution provider (or PHI3_PROVIDER).",
        word => word switch { "CPU" => "cpu", "CUDA" => "cuda", "DML" or "DIRECTML" => "dml", "AUTO" => "auto", _ => null },
        "cpu, cuda, dml or auto");

    public Option<VariantPreference?> Prefer { get; } = CliOptions.Choice<VariantPreference?>(
        "--prefer", "quality|speed", "What to favour when several variants fit (default quality).",
        word => word switch { "QUALITY" => VariantPreference.Quality, "SPEED" => VariantPreference.Speed, _ => null },
        "quality or speed");

    public Option<HardwareProfile?> Assume { get; } = CliOptions.Parsed<HardwareProfile>(
        "--assume", "profile", "Plan for another machine: cuda[:VRAM], dml[:VRAM] or cpu[:RAM], e.g. cuda:24GB, cpu:8GB.", HardwareProfile.Parse);

    public Option<string?> CacheDir { get; } = CliOptions.Text("--cache-dir", null, "folder", "Hugging Face cache folder (default HF_HUB_CACHE, else ~/.cache/huggingface/hub).");

    public Option<bool> Offline { get; } = CliOptions.Flag("--offline", "Use the cache only, never the network (or HF_HUB_OFFLINE=1).");

    public Option<bool> VerifyCache { get; } = CliOptions.Flag("--verify-cache", "Hash cached files again before trusting them; replace any that fail.");

    public Option<bool> CopyFiles { get; } = CliOptions.Flag("--copy-files", "Fill the snapshot with copies instead of symbolic links.");

    public Option<bool> NoDirectIO { get; } = CliOptions.Flag("--no-direct-io", "Write downloads through the page cache (Linux writes them directly).");

    public Option<int?> Connections { get; } = CliOptions.IntRange(
        "--connections", null, "n", "Connections per large file when downloading, each fetching its own byte ranges (default 8; 1 turns ranged downloads off).", min: 1, max: 64);

    /// <summary>Gets the placement options (<c>--placement</c>, <c>--remote-*</c>) when the command has them, else <see langword="null"/>.</summary>
    public PlacementOptions? Placement { get; private set; }

    public Option<string?> Catalog { get; } = CliOptions.Text("--catalog", null, "file", "A catalog file whose entries are merged over the shipped models.json.");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="localModel">Whether the command can load a local folder (<c>--model-path</c>).</param>
    /// <param name="plan">Whether the command can plan for another machine (<c>--assume</c>); otherwise the option is
    /// hidden and rejected with a hint.</param>
    /// <param name="remote">Whether the model may run on a remote endpoint (<see cref="PlacementOptions"/>).</param>
    public void AddTo(Command command, bool localModel, bool plan, bool remote = false)
    {
        ArgumentNullException.ThrowIfNull(command);
        _localModel = localModel;
        if (localModel)
        {
            command.Options.Add(ModelPath);
        }

        foreach (Option option in (Option[])[Model, Variant, Provider, Prefer, Assume, CacheDir, Offline, VerifyCache, CopyFiles, NoDirectIO, Connections, Catalog])
        {
            command.Options.Add(option);
        }

        if (remote)
        {
            Placement = new PlacementOptions();
            Placement.AddTo(command, localModel ? ModelPath : null, Model);
        }

        Assume.Hidden = !plan;
        if (!plan)
        {
            command.Validators.Add(result =>
            {
                if (result.GetResult(Assume) is { Implicit: false })
                {
                    result.AddError("--assume plans for another machine; use it with 'phi3 models' or 'phi3 download'");
                }
            });
        }

        if (localModel)
        {
            command.Validators.Add(result =>
            {
                if (result.GetResult(ModelPath) is { Implicit: false }
                    && (result.GetResult(Model) ?? result.GetResult(Variant) ?? result.GetResult(Provider)) is { Implicit: false })
                {
                    result.AddError("--model-path loads that folder; it cannot be combined with --model, --variant or --provider");
                }
            });
        }
    }

    /// <summary>Returns the SDK options the parsed command line describes (<see langword="null"/> values mean "default").</summary>
    public Phi3Options ToPhi3Options(ParseResult result, ILogger logger, Phi3ChatClientOptions? chat = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var options = new Phi3Options
        {
            ModelPath = _localModel ? result.GetValue(ModelPath) : null,
            Model = result.GetValue(Model),
            Variant = result.GetValue(Variant),
            Provider = result.GetValue(Provider),
            Preference = result.GetValue(Prefer),
            CatalogPath = result.GetValue(Catalog),
            Hub = new HubClientOptions
            {
                CacheDirectory = result.GetValue(CacheDir),
                Offline = result.GetValue(Offline) ? true : null,
                VerifyCachedFiles = result.GetValue(VerifyCache) ? true : null,
                UseSymbolicLinks = result.GetValue(CopyFiles) ? false : null,
                UseDirectIO = result.GetValue(NoDirectIO) ? false : null,
                ConnectionsPerFile = result.GetValue(Connections),
                Logger = logger,
            },
            ChatClient = chat ?? new Phi3ChatClientOptions(),
        };
        Placement?.ApplyTo(result, options);
        return options;
    }
}
