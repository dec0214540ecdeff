using System.CommandLine;
using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Remote;
using Phi3.OnnxSdk.Resolution;
using Spectre.Console;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// <c>phi3 models</c> (alias <c>list</c>): the machine (probed, or assumed with <c>--assume</c>), the variant
/// <c>phi3</c> would run there with the resolver's reasons one per line, then every family of the catalog (or the one
/// given by <c>--model</c>) with a verdict for each of its variants. With <c>--placement</c> or <c>--remote-endpoint</c>,
/// also where the model would run (here or the endpoint) and why (<see cref="PlacementResolver"/>). Output goes to stdout.
/// </summary>
internal sealed class ModelsCommand : IPhi3Command
{
    public int Order => 1;

    public Command Create(CliContext context)
    {
        var command = new Command("models", "List the catalog with the variant picked for this machine (or an assumed one) and why.");
        command.Aliases.Add("list");
        var model = new ModelOptions();
        model.AddTo(command, localModel: false, plan: true, remote: true);
        command.SetAction((result, _) => context.RunCancellableAsync(token => RunAsync(context.Console, result, model, token)));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, ParseResult result, ModelOptions model, CancellationToken cancellationToken)
    {
        var options = model.ToPhi3Options(result, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var catalog = ModelLoader.EnsureKnownFamily(options);
        var assumed = result.GetValue(model.Assume);
        HardwareInfo hardware = assumed is not null
            ? assumed.Hardware
            : await new SystemHardwareProbe().ProbeAsync(cancellationToken).ConfigureAwait(false);
        var resolver = new VariantResolver(catalog);
        var provider = Phi3ProviderName(options.Provider);

        string machine = assumed is not null ? $"Machine: {assumed.Describe()}" : "Machine: this one";
        console.WriteLine($"[bold]{Markup.Escape(machine)}[/]", machine);
        foreach (string line in hardware.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            WriteClauses(console, "  ", line);
        }

        console.Output.WriteLine();

        // What plain 'phi3' (with these flags and the PHI3_* variables) would run.
        VariantResolution? pick = null;
        var request = new VariantResolverOptions
        {
            Family = options.Model,
            Variant = options.Variant,
            Provider = provider,
            Preference = options.Preference,
        };
        try
        {
            pick = resolver.Resolve(hardware, request);
        }
        catch (VariantResolutionException ex)
        {
            console.Output.WriteLine("Pick: none");
            WriteClauses(console, "  because: ", ex.Message);
        }

        if (pick is not null)
        {
            console.WriteLine($"[bold]Pick:[/] [green]{Markup.Escape(pick.Variant.Id)}[/]", $"Pick: {pick.Variant.Id}");
            WriteClauses(console, "  because: ", pick.Reason);
            if (pick.Fallback is { } fallback)
            {
                WriteClauses(console, "  fallback: ", fallback);
            }

            if (pick.Overrides.Count > 0)
            {
                console.Output.WriteLine($"  overrides: {string.Join(", ", pick.Overrides)}");
            }
        }

        if (options.Placement is not null || PlacementOptions.MayBeRemote(options))
        {
            WritePlacement(console, new PlacementResolver(resolver), hardware, PlacementOptions.RequestOf(options, request));
        }

        console.Output.WriteLine();
        console.Output.WriteLine("Variants: * the pick, + could run, - cannot run here");
        var families = options.Model is null ? catalog.Families : [catalog.FindFamily(options.Model)!];
        foreach (var family in families)
        {
            console.Output.WriteLine();
            WriteFamily(console, catalog, resolver, hardware, family, provider, options.Preference, pick);
        }

        return ExitCodes.Success;
    }

    private static void WriteFamily(CliConsole console, ModelCatalog catalog, VariantResolver resolver, HardwareInfo hardware, ModelFamily family, ExecutionProvider? provider, VariantPreference? preference, VariantResolution? pick)
    {
        string isDefault = family.Id == catalog.DefaultFamily ? " [default]" : string.Empty;
        string aliases = family.Aliases.Count > 0 ? $" (aliases: {string.Join(", ", family.Aliases)})" : string.Empty;
        console.WriteLine($"[bold]{Markup.Escape(family.Id)}[/]{Markup.Escape(isDefault + aliases)}", $"{family.Id}{isDefault}{aliases}");
        if (family.Description is { } description)
        {
            console.Output.WriteLine($"  {description}");
        }

        IReadOnlyList<CandidateVerdict> verdicts;
        if (pick is not null && family.Id == pick.Family.Id)
        {
            verdicts = pick.Candidates;
        }
        else
        {
            try
            {
                verdicts = resolver.Resolve(hardware, new VariantResolverOptions
                {
                    Family = family.Id,
                    Provider = provider,
                    Preference = preference,
                    UseEnvironment = false,
                }).Candidates;
            }
            catch (VariantResolutionException ex)
            {
                console.Output.WriteLine("  nothing in this family runs here:");
                verdicts = ex.Candidates;
            }
        }

        foreach (var verdict in verdicts)
        {
            string mark = verdict.Chosen ? "*" : verdict.CanRun ? "+" : "-";
            string colour = verdict.Chosen ? "green" : verdict.CanRun ? "default" : "grey";
            string reason = ErrorText.OneLine(verdict.Reason);
            console.WriteLine($"  [{colour}]{mark} {Markup.Escape(reason)}[/]", $"  {mark} {reason}");
        }

        if (verdicts.Count == 0)
        {
            foreach (var variant in catalog.GetVariants(family))
            {
                console.Output.WriteLine($"  - {variant.Name}");
            }
        }
    }

    /// <summary>Writes where the model would run, "Placement (POLICY): remote URL (model NAME)" or "...: local", and why.</summary>
    private static void WritePlacement(CliConsole console, PlacementResolver resolver, HardwareInfo hardware, PlacementRequest request)
    {
        console.Output.WriteLine();
        PlacementDecision decision;
        try
        {
            decision = resolver.Resolve(hardware, request);
        }
        catch (VariantResolutionException ex)
        {
            // Local only, and nothing runs here: the pick above already gave the reasons.
            console.Output.WriteLine("Placement (local): none");
            WriteClauses(console, "  because: ", ex.Message);
            return;
        }

        string where = decision.IsRemote ? $"remote {EndpointText.Redact(decision.RemoteEndpoint)} (model {decision.RemoteModel})" : "local";
        string line = $"Placement ({PlacementOptions.Word(decision.Policy)}): {where}";
        console.WriteLine($"[bold]{Markup.Escape(line)}[/]", line);
        WriteClauses(console, "  because: ", decision.Reason);
    }

    /// <summary>Writes a reason one clause per line: the first after <paramref name="label"/>, the rest beneath it.</summary>
    private static void WriteClauses(CliConsole console, string label, string reason)
    {
        var clauses = Clauses(reason);
        console.Output.WriteLine(label + clauses[0]);
        string indent = new(' ', label.Length);
        foreach (string clause in clauses.Skip(1))
        {
            console.Output.WriteLine(indent + clause);
        }
    }

    /// <summary>Splits a reason into its lines, or a one-line reason into its clauses ("; "), keeping the text.</summary>
    internal static string[] Clauses(string reason)
    {
        const StringSplitOptions Options = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        string[] lines = reason.Split('\n', Options);
        string[] clauses = lines.Length == 1 ? lines[0].Split("; ", Options) : lines;
        return clauses.Length == 0 ? [string.Empty] : clauses;
    }

    private static ExecutionProvider? Phi3ProviderName(string? provider) => provider switch
    {
        null or "auto" => null,
        "cpu" => ExecutionProvider.Cpu,
        "cuda" => ExecutionProvider.Cuda,
        _ => ExecutionProvider.DirectML,
    };
}
