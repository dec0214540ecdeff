using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// <c>phi3 models</c>: the machine (probed, or assumed with <c>--assume</c>), the variant <c>phi3</c> would run there
/// with the resolver's reasons, then every family of the catalog (or the one given by <c>--model</c>) with a verdict
/// for each of its variants. Output goes to stdout.
/// </summary>
internal static class ModelsCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var catalog = args.CatalogPath is { } catalogPath ? ModelCatalog.Default.WithEntries(ModelCatalog.Load(catalogPath)) : ModelCatalog.Default;
        HardwareInfo hardware = args.Assume is { } profile
            ? profile.Hardware
            : await new SystemHardwareProbe().ProbeAsync(cancellationToken).ConfigureAwait(false);
        var resolver = new VariantResolver(catalog);

        output.WriteLine(args.Assume is { } assumed ? $"Machine: {assumed.Describe()}" : "Machine: this one");
        foreach (string line in hardware.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            output.WriteLine($"  {line}");
        }

        output.WriteLine();

        // What plain 'phi3' (with these flags and the PHI3_* variables) would run.
        VariantResolution? pick = null;
        try
        {
            pick = resolver.Resolve(hardware, new VariantResolverOptions
            {
                Family = args.Model,
                Variant = args.Variant,
                Provider = ParseProvider(args.Provider),
                Preference = args.Preference,
            });
        }
        catch (VariantResolutionException ex)
        {
            output.WriteLine($"Pick: none ({ErrorText.OneLine(ex.Message)})");
        }

        if (pick is not null)
        {
            output.WriteLine($"Pick: {pick.Variant.Id}");
            output.WriteLine($"  because: {ErrorText.OneLine(pick.Reason)}");
            if (pick.Fallback is { } fallback)
            {
                output.WriteLine($"  fallback: {fallback}");
            }

            if (pick.Overrides.Count > 0)
            {
                output.WriteLine($"  overrides: {string.Join(", ", pick.Overrides)}");
            }
        }

        output.WriteLine();
        output.WriteLine("Variants: * the pick, + could run, - cannot run here");
        var families = args.Model is null
            ? catalog.Families
            : [catalog.FindFamily(args.Model) ?? throw new ArgumentException($"Unknown model family '{args.Model}'; known families: {string.Join(", ", catalog.Families.Select(f => f.Id))}.")];
        foreach (var family in families)
        {
            output.WriteLine();
            WriteFamily(output, catalog, resolver, hardware, family, args, pick);
        }

        return ExitCodes.Success;
    }

    private static void WriteFamily(TextWriter output, ModelCatalog catalog, VariantResolver resolver, HardwareInfo hardware, ModelFamily family, CliArguments args, VariantResolution? pick)
    {
        string isDefault = family.Id == catalog.DefaultFamily ? " [default]" : string.Empty;
        string aliases = family.Aliases.Count > 0 ? $" (aliases: {string.Join(", ", family.Aliases)})" : string.Empty;
        output.WriteLine($"{family.Id}{isDefault}{aliases}");
        if (family.Description is { } description)
        {
            output.WriteLine($"  {description}");
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
                    Provider = ParseProvider(args.Provider),
                    Preference = args.Preference,
                    UseEnvironment = false,
                }).Candidates;
            }
            catch (VariantResolutionException ex)
            {
                output.WriteLine("  nothing in this family runs here:");
                verdicts = ex.Candidates;
            }
        }

        foreach (var verdict in verdicts)
        {
            string mark = verdict.Chosen ? "*" : verdict.CanRun ? "+" : "-";
            output.WriteLine($"  {mark} {ErrorText.OneLine(verdict.Reason)}");
        }

        if (verdicts.Count == 0)
        {
            foreach (var variant in catalog.GetVariants(family))
            {
                output.WriteLine($"  - {variant.Name}");
            }
        }
    }

    private static ExecutionProvider? ParseProvider(string? provider) => provider switch
    {
        null or "auto" => null,
        "cpu" => ExecutionProvider.Cpu,
        "cuda" => ExecutionProvider.Cuda,
        _ => ExecutionProvider.DirectML,
    };
}
