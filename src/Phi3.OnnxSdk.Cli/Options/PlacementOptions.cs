using System.CommandLine;
using System.CommandLine.Parsing;
using Phi3.OnnxSdk.Provisioning;
using Phi3.OnnxSdk.Remote;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Where the model runs (<c>--placement</c>) and the remote OpenAI-compatible endpoint it may run on, for the commands
/// that chat, serve or plan (chat, serve, models). <c>--remote-endpoint</c> alone means remote, as in
/// <see cref="Phi3Options.Placement"/>. The key is never printed; <c>PHI3_REMOTE_API_KEY</c> keeps it out of the
/// process list.
/// </summary>
internal sealed class PlacementOptions
{
    public Option<Phi3Placement?> Placement { get; } = CliOptions.Choice<Phi3Placement?>(
        "--placement", "local|remote|local-first",
        "Where the model runs: here (local, the default), on --remote-endpoint (remote), or here when this machine can run the family and on the endpoint when it cannot (local-first).",
        word => word switch { "LOCAL" => Phi3Placement.LocalOnly, "REMOTE" => Phi3Placement.RemoteOnly, "LOCAL-FIRST" => Phi3Placement.LocalFirst, _ => null },
        "local, remote or local-first");

    public Option<Uri?> Endpoint { get; } = CliOptions.Parsed<Uri>(
        "--remote-endpoint", "url", "An OpenAI-compatible API's base address, e.g. http://gpu-box:8000/v1 (vLLM, Ollama, Azure AI Foundry, another phi3 serve).", ParseEndpoint);

    public Option<string?> Model { get; } = CliOptions.Text("--remote-model", null, "name", "The model name the endpoint serves (default: --model, or PHI3_MODEL).");

    public Option<string?> ApiKey { get; } = CliOptions.Text("--remote-api-key", null, "key", $"The endpoint's key (or {Phi3RemoteOptions.ApiKeyVariable}, which keeps it out of the process list); never printed.");

    /// <summary>Adds the options and their rules to <paramref name="command"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="modelPath">The command's <c>--model-path</c>, which a remote-only placement cannot use; <see langword="null"/> when it has none.</param>
    /// <param name="family">The command's <c>--model</c>, the remote model name's default.</param>
    public void AddTo(Command command, Option? modelPath, Option family)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (Option option in (Option[])[Placement, Endpoint, Model, ApiKey])
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            // A value that did not parse has its own message; the rules below need values that did.
            if (!TryGetValue(result, Placement, out var placement) || !TryGetValue(result, Endpoint, out _))
            {
                return;
            }

            bool endpoint = result.GetResult(Endpoint) is { Implicit: false };
            if (!endpoint)
            {
                if (placement is Phi3Placement.RemoteOnly or Phi3Placement.LocalFirst)
                {
                    result.AddError($"--placement {Word(placement.Value)} needs --remote-endpoint URL");
                }
                else if ((result.GetResult(Model) ?? result.GetResult(ApiKey)) is { Implicit: false } stray)
                {
                    result.AddError($"{stray.Option.Name} goes with --remote-endpoint URL");
                }

                return;
            }

            if (placement is not Phi3Placement.LocalOnly && result.GetResult(Model) is null && result.GetResult(family) is null && FamilyVariable() is null)
            {
                result.AddError("--remote-endpoint needs --remote-model NAME (the model the endpoint serves), --model or PHI3_MODEL");
            }

            if ((placement is null or Phi3Placement.RemoteOnly) && modelPath is not null && result.GetResult(modelPath) is { Implicit: false })
            {
                result.AddError("--model-path runs that folder here; it cannot be combined with a remote placement (--remote-endpoint without --placement local-first or local)");
            }
        });
    }

    /// <summary>Sets the placement and the remote endpoint of <paramref name="options"/> from the parsed command line.</summary>
    public void ApplyTo(ParseResult result, Phi3Options options)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        options.Placement = result.GetValue(Placement);
        options.Remote = new Phi3RemoteOptions
        {
            Endpoint = result.GetValue(Endpoint),
            // As --model defaults to PHI3_MODEL for the local family, so does the remote model name.
            Model = result.GetValue(Model) ?? (options.Model is null && result.GetValue(Endpoint) is not null ? FamilyVariable() : null),
            ApiKey = result.GetValue(ApiKey),
        };
    }

    /// <summary>The <c>PHI3_MODEL</c> variable, or <see langword="null"/> when it is unset or blank.</summary>
    private static string? FamilyVariable() =>
        Environment.GetEnvironmentVariable(VariantResolver.ModelVariable) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>Gets whether <paramref name="options"/> may run remotely, so that the placement must be decided first.</summary>
    public static bool MayBeRemote(Phi3Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return PlacementResolver.EffectivePolicy(new PlacementRequest { Policy = options.Placement, RemoteEndpoint = options.Remote?.Endpoint }) != Phi3Placement.LocalOnly;
    }

    /// <summary>The request <see cref="PlacementResolver"/> decides for <paramref name="options"/> (what <c>phi3 models</c> shows).</summary>
    public static PlacementRequest RequestOf(Phi3Options options, VariantResolverOptions local)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PlacementRequest
        {
            Policy = options.Placement,
            RemoteEndpoint = options.Remote?.Endpoint,
            RemoteModel = options.Remote?.Model ?? options.Model,
            Local = local,
        };
    }

    /// <summary>Returns the command-line word for <paramref name="placement"/>.</summary>
    public static string Word(Phi3Placement placement) => placement switch
    {
        Phi3Placement.RemoteOnly => "remote",
        Phi3Placement.LocalFirst => "local-first",
        _ => "local",
    };

    private static bool TryGetValue<T>(CommandResult result, Option<T> option, out T value)
    {
        try
        {
            value = result.GetValue(option)!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    private static Uri ParseEndpoint(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new CliUsageException($"--remote-endpoint needs an absolute http or https address such as http://gpu-box:8000/v1, not '{text}'");
}
