using System.Text.RegularExpressions;

namespace Phi3.OnnxSdk.Catalog;

/// <summary>Checks a set of families and variants for the rules models.schema.json cannot express alone.</summary>
internal static partial class CatalogValidator
{
    public static void Validate(IReadOnlyList<ModelFamily> families, IReadOnlyList<ModelVariant> variants, string defaultFamily, string source)
    {
        var familyNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var family in families)
        {
            ArgumentNullException.ThrowIfNull(family);
            CheckName(family.Id, source, family.Id, "family id");
            foreach (var name in family.Aliases.Prepend(family.Id))
            {
                CheckName(name, source, family.Id, "family alias");
                if (familyNames.TryGetValue(name, out var owner))
                {
                    throw Error(source, family.Id, $"the name '{name}' is already used by family '{owner}'");
                }

                familyNames[name] = family.Id;
            }
        }

        if (families.Count == 0)
        {
            throw new ModelCatalogException($"Model catalog '{source}' declares no families; add at least one under 'families', with its variants under 'models'.", source, null);
        }

        if (!familyNames.ContainsKey(defaultFamily))
        {
            throw new ModelCatalogException($"Model catalog '{source}': the default family '{defaultFamily}' is not one of its families.", source, null);
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var namesInFamily = new Dictionary<(string Family, string Name), string>();
        foreach (var variant in variants)
        {
            ArgumentNullException.ThrowIfNull(variant);
            ValidateVariant(variant, source, familyNames);
            if (!ids.Add(variant.Id))
            {
                throw Error(source, variant.Id, "the id is used by another entry");
            }

            foreach (var name in variant.Aliases.Prepend(variant.Name))
            {
                var key = (variant.Family.ToUpperInvariant(), name.ToUpperInvariant());
                if (namesInFamily.TryGetValue(key, out var owner))
                {
                    throw Error(source, variant.Id, $"the name '{name}' is already used by '{owner}' in the same family");
                }

                namesInFamily[key] = variant.Id;
            }
        }
    }

    private static void ValidateVariant(ModelVariant variant, string source, Dictionary<string, string> familyNames)
    {
        var entry = variant.Id;
        if (string.IsNullOrEmpty(entry))
        {
            throw Error(source, $"{variant.Family}/{variant.Name}", "missing required field 'id'");
        }

        if (!familyNames.TryGetValue(variant.Family, out var familyId) || !familyId.Equals(variant.Family, StringComparison.OrdinalIgnoreCase))
        {
            throw Error(source, entry, $"family '{variant.Family}' is not declared in 'families'; add it there");
        }

        CheckName(variant.Name, source, entry, "variant name");
        if (!entry.Equals($"{variant.Family}/{variant.Name}", StringComparison.OrdinalIgnoreCase))
        {
            throw Error(source, entry, $"the id must be '{variant.Family}/{variant.Name}' (family/variant)");
        }

        foreach (var alias in variant.Aliases)
        {
            CheckName(alias, source, entry, "variant alias");
        }

        if (!Enum.IsDefined(variant.Provider))
        {
            throw Error(source, entry, $"unknown provider '{variant.Provider}'; use cpu, cuda or dml");
        }

        if (!Enum.IsDefined(variant.Precision))
        {
            throw Error(source, entry, $"unknown precision '{variant.Precision}'");
        }

        CheckSource(variant.Source, source, entry);

        if (variant.Files.Count == 0)
        {
            throw Error(source, entry, "'files' must list at least genai_config.json");
        }

        foreach (var file in variant.Files)
        {
            if (CatalogPaths.FindEscape(file.Path ?? string.Empty, allowEmpty: false) is { } why)
            {
                throw Error(source, entry, $"file path '{file.Path}' escapes the variant's folder ({why}); use a path inside it");
            }

            if (file.SizeBytes is < 0)
            {
                throw Error(source, entry, $"file '{file.Path}' has a negative size");
            }

            if (file.Sha256 is not null && !Sha256Pattern().IsMatch(file.Sha256))
            {
                throw Error(source, entry, $"file '{file.Path}' has sha256 '{file.Sha256}', which is not 64 lower-case hex digits");
            }
        }

        if (variant.ContextLength <= 0)
        {
            throw Error(source, entry, $"contextLength must be positive, not {variant.ContextLength}");
        }

        if (variant.WeightsBytes <= 0 || variant.KvBytesPerToken <= 0)
        {
            throw Error(source, entry, "memory.weightsBytes and memory.kvBytesPerToken must be positive");
        }

        if (variant.AccuracyLevel is < 0 or > 4)
        {
            throw Error(source, entry, $"accuracyLevel must be 0 to 4, not {variant.AccuracyLevel}");
        }

        if ((variant.Capabilities & ModelCapabilities.Text) == 0 || (variant.Capabilities & ~(ModelCapabilities.Text | ModelCapabilities.Vision)) != 0)
        {
            throw Error(source, entry, "capabilities must include text (and may include vision)");
        }

        if (string.IsNullOrWhiteSpace(variant.Tokenizer))
        {
            throw Error(source, entry, "missing required field 'tokenizer'");
        }

        foreach (var provider in variant.ProviderOptions.Keys)
        {
            if (!ProviderNames.TryParse(provider, out _) || provider.Equals("directml", StringComparison.OrdinalIgnoreCase))
            {
                throw Error(source, entry, $"providerOptions names unknown provider '{provider}'; use cpu, cuda or dml");
            }
        }
    }

    private static void CheckSource(ModelSource? modelSource, string source, string entry)
    {
        if (modelSource is null)
        {
            throw Error(source, entry, "missing required field 'source'");
        }

        if ((modelSource.HubRepository is null) == (modelSource.LocalPath is null))
        {
            throw Error(source, entry, "source must have exactly one of a hub repository and a local path");
        }

        if (CatalogPaths.FindEscape(modelSource.Subfolder ?? string.Empty, allowEmpty: true) is { } why)
        {
            throw Error(source, entry, $"subfolder '{modelSource.Subfolder}' escapes its repository or folder ({why}); use a path inside it");
        }

        if (modelSource.LocalPath is { } local && !Path.IsPathFullyQualified(local))
        {
            throw Error(source, entry, $"localPath '{local}' must be absolute once loaded");
        }

        if (modelSource.HubRepository is { } repo)
        {
            if (!RepoPattern().IsMatch(repo))
            {
                throw Error(source, entry, $"hub repo '{repo}' is not of the form owner/name");
            }

            if (string.IsNullOrWhiteSpace(modelSource.Revision))
            {
                throw Error(source, entry, "hub revision is missing; give a commit (pinned) or a branch such as main (unpinned)");
            }

            if (modelSource.IsPinned && !CommitPattern().IsMatch(modelSource.Revision))
            {
                throw Error(source, entry, $"revision '{modelSource.Revision}' is marked pinned but is not a 40-hex commit");
            }
        }
    }

    private static void CheckName(string? name, string source, string entry, string what)
    {
        if (name is null || !NamePattern().IsMatch(name))
        {
            throw Error(source, entry, $"{what} '{name}' must start with a letter or digit and use only letters, digits, '.', '_' and '-'");
        }
    }

    private static ModelCatalogException Error(string source, string entry, string what) =>
        new($"Model catalog '{source}', entry '{entry}': {what}.", source, entry);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex RepoPattern();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
