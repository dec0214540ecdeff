namespace Phi3.OnnxSdk.Catalog;

/// <summary>
/// The model families and ONNX variants the SDK knows: the shipped <c>models.json</c> (<see cref="Default"/>), a
/// user's own catalog file, or either extended with user entries (<see cref="WithEntries(ModelCatalog)"/>). A user's
/// file may hold only its own families and variants; <c>defaultFamily</c> is optional there.
/// </summary>
/// <remarks>Immutable and thread-safe. Names and aliases are compared without regard to case.</remarks>
public sealed class ModelCatalog
{
    /// <summary>The family used when a caller names none: <c>phi-3-mini-128k-instruct</c>.</summary>
    public const string DefaultFamilyId = "phi-3-mini-128k-instruct";

    private const string EmbeddedResourceName = "Phi3.OnnxSdk.models.json";

    private static readonly Lazy<ModelCatalog> DefaultCatalog = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    // Which catalog file or name each family and variant id came from, for the message when a merge clashes.
    private readonly Dictionary<string, string> _origins;

    private ModelCatalog(IReadOnlyList<ModelFamily> families, IReadOnlyList<ModelVariant> variants, string? declaredDefaultFamily, string source, Dictionary<string, string>? origins = null)
    {
        var defaultFamily = declaredDefaultFamily ?? ImplicitDefaultFamily(families);
        CatalogValidator.Validate(families, variants, defaultFamily, source);
        Families = families;
        Variants = variants;
        DefaultFamily = families.First(f => Names(f).Contains(defaultFamily, StringComparer.OrdinalIgnoreCase)).Id;
        DeclaredDefaultFamily = declaredDefaultFamily;
        Source = source;
        _origins = origins ?? families.Select(f => FamilyKey(f.Id)).Concat(variants.Select(v => VariantKey(v.Id))).ToDictionary(key => key, _ => source, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets the catalog shipped inside the SDK (the repository's models.json).</summary>
    /// <exception cref="ModelCatalogException">The embedded catalog is malformed (a build defect).</exception>
    public static ModelCatalog Default => DefaultCatalog.Value;

    /// <summary>Gets the families, in catalog order.</summary>
    public IReadOnlyList<ModelFamily> Families { get; }

    /// <summary>Gets the variants of all families, in catalog order.</summary>
    public IReadOnlyList<ModelVariant> Variants { get; }

    /// <summary>Gets the identifier of the family chosen when a caller names none.</summary>
    public string DefaultFamily { get; }

    /// <summary>Gets the file or name the catalog was read from (used in messages).</summary>
    public string Source { get; }

    /// <summary>Gets the default family the catalog itself declares, or <see langword="null"/> when it declares none.</summary>
    internal string? DeclaredDefaultFamily { get; }

    /// <summary>Reads a catalog file in the models.json format; relative <c>localPath</c> entries are taken from its folder.</summary>
    /// <param name="path">The catalog file.</param>
    /// <returns>The validated catalog.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelCatalogException">The file is malformed; the message names the entry and the fault.</exception>
    public static ModelCatalog Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Model catalog '{full}' does not exist; pass the path of a models.json file.", full);
        }

        return Parse(File.ReadAllText(full), full, Path.GetDirectoryName(full));
    }

    /// <summary>Reads a catalog from JSON text in the models.json format.</summary>
    /// <param name="json">The catalog text.</param>
    /// <param name="sourceName">A name for messages, or <see langword="null"/> for <c>(inline)</c>.</param>
    /// <param name="baseDirectory">The folder relative <c>localPath</c> entries are taken from, or <see langword="null"/> to require absolute ones.</param>
    /// <returns>The validated catalog.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="ModelCatalogException">The text is malformed; the message names the entry and the fault.</exception>
    public static ModelCatalog Parse(string json, string? sourceName = null, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var source = sourceName ?? "(inline)";
        var parsed = CatalogParser.Parse(json, source, baseDirectory);
        return new ModelCatalog(parsed.Families, parsed.Variants, parsed.DefaultFamily, source);
    }

    /// <summary>Builds a catalog from records made in code.</summary>
    /// <param name="families">The families.</param>
    /// <param name="variants">The variants; each names one of <paramref name="families"/>.</param>
    /// <param name="defaultFamily">The default family, or <see langword="null"/> for <see cref="DefaultFamilyId"/> when it is one of <paramref name="families"/>, else the first family.</param>
    /// <returns>The validated catalog.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="families"/> or <paramref name="variants"/> is null.</exception>
    /// <exception cref="ModelCatalogException">An entry is invalid; the message names it.</exception>
    public static ModelCatalog Create(IEnumerable<ModelFamily> families, IEnumerable<ModelVariant> variants, string? defaultFamily = null)
    {
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(variants);
        return new ModelCatalog([.. families], [.. variants], defaultFamily, "(code)");
    }

    /// <summary>
    /// Returns a catalog holding this catalog's entries followed by <paramref name="other"/>'s, as a user's catalog file
    /// extends the shipped one. The default family is the one <paramref name="other"/> declares, else this catalog's.
    /// </summary>
    /// <param name="other">The entries to add, for example a private repository or a local folder, in families of their own.</param>
    /// <returns>The merged, validated catalog.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    /// <exception cref="ModelCatalogException">
    /// A family id or alias of <paramref name="other"/> (and so any of its variant ids) is already in this catalog; the
    /// message names the entry and both catalog files. Entries are added, never replaced: give yours another id.
    /// </exception>
    public ModelCatalog WithEntries(ModelCatalog other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var family in other.Families)
        {
            foreach (var name in Names(family))
            {
                if (FindFamily(name) is { } existing)
                {
                    throw Clash(other, family.Id, name.Equals(existing.Id, StringComparison.OrdinalIgnoreCase) ? $"family '{family.Id}'" : $"the name '{name}' of family '{family.Id}'", $"family '{existing.Id}'", _origins[FamilyKey(existing.Id)]);
                }
            }
        }

        // A variant's id starts with its family's, and each variant's family is in its own catalog: with no family
        // clashing, no variant id can.
        var origins = new Dictionary<string, string>(_origins, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, source) in other._origins)
        {
            origins[key] = source;
        }

        return new ModelCatalog([.. Families, .. other.Families], [.. Variants, .. other.Variants], other.DeclaredDefaultFamily ?? DefaultFamily, $"{Source} + {other.Source}", origins);
    }

    /// <summary>Finds a family by id or alias.</summary>
    /// <param name="nameOrAlias">The family id or one of its aliases, in any case.</param>
    /// <returns>The family, or <see langword="null"/> when none matches.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="nameOrAlias"/> is null.</exception>
    public ModelFamily? FindFamily(string nameOrAlias)
    {
        ArgumentNullException.ThrowIfNull(nameOrAlias);
        var name = nameOrAlias.Trim();
        return Families.FirstOrDefault(f => f.Id.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? Families.FirstOrDefault(f => f.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Gets the variants of one family, in catalog order.</summary>
    /// <param name="family">The family.</param>
    /// <returns>The family's variants (empty when it has none).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="family"/> is null.</exception>
    public IReadOnlyList<ModelVariant> GetVariants(ModelFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return [.. Variants.Where(v => v.Family.Equals(family.Id, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>
    /// Finds a variant by its full id (<c>family/variant</c>) anywhere in the catalog, or by its short name or alias
    /// within <paramref name="family"/>.
    /// </summary>
    /// <param name="idOrName">A full id, or a short name or alias when <paramref name="family"/> is given.</param>
    /// <param name="family">The family to search short names in, or <see langword="null"/> to accept full ids only.</param>
    /// <returns>The variant, or <see langword="null"/> when none matches.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="idOrName"/> is null.</exception>
    public ModelVariant? FindVariant(string idOrName, ModelFamily? family = null)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        var name = idOrName.Trim();
        var byId = Variants.FirstOrDefault(v => v.Id.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (byId is not null || family is null)
        {
            return byId;
        }

        var inFamily = GetVariants(family);
        return inFamily.FirstOrDefault(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? inFamily.FirstOrDefault(v => v.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));
    }

    private static IEnumerable<string> Names(ModelFamily family) => family.Aliases.Prepend(family.Id);

    /// <summary>Without a declared default: the SDK's default family when the catalog has it, else its first family.</summary>
    private static string ImplicitDefaultFamily(IReadOnlyList<ModelFamily> families) =>
        families.Count > 0 && families[0] is { } first && !families.Any(f => f is not null && Names(f).Contains(DefaultFamilyId, StringComparer.OrdinalIgnoreCase))
            ? first.Id
            : DefaultFamilyId;

    private static string FamilyKey(string id) => "family:" + id;

    private static string VariantKey(string id) => "variant:" + id;

    private static ModelCatalogException Clash(ModelCatalog other, string family, string what, string existing, string existingSource)
    {
        var source = other._origins.GetValueOrDefault(FamilyKey(family), other.Source);
        return new(
            $"Model catalog '{source}': {what} clashes with {existing} of '{existingSource}'. A catalog file adds entries to the built-in catalog and cannot replace them; give yours another id (a family of your own, with its variants under it).",
            source,
            family);
    }

    private static ModelCatalog LoadEmbedded()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"The SDK assembly lacks its embedded resource '{EmbeddedResourceName}'; rebuild the package.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "models.json (embedded)");
    }
}
