using System.Globalization;
using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Hardware;

namespace Phi3.OnnxSdk.Resolution;

/// <summary>
/// Picks the variant of a model family that suits a machine and says why, for the choice and for every other
/// candidate. CUDA (compute capability 7.0+, provider present) gets fp16 when weights plus KV headroom fit in VRAM, else
/// int4; a DirectX 12 GPU on Windows with the DirectML provider gets DirectML int4; everything else gets CPU int4,
/// accuracy level 4 where the catalog has it. A GPU whose provider cannot load falls back to the CPU with that reason;
/// a forced provider or variant that cannot run throws.
/// </summary>
/// <remarks>Thread-safe: the resolver holds no mutable state.</remarks>
public sealed class VariantResolver
{
    /// <summary>Environment variable naming the model family or alias.</summary>
    public const string ModelVariable = "PHI3_MODEL";

    /// <summary>Environment variable forcing the provider: <c>cpu</c>, <c>cuda</c>, <c>dml</c> (or <c>auto</c> for no forcing).</summary>
    public const string ProviderVariable = "PHI3_PROVIDER";

    /// <summary>Environment variable forcing the variant: a full id or a short name or alias in the family.</summary>
    public const string VariantVariable = "PHI3_VARIANT";

    /// <summary>Memory budgeted beyond weights and KV cache for the runtime, activations and scratch buffers.</summary>
    public const long RuntimeOverheadBytes = 256L * 1024 * 1024;

    private const int DefaultKvHeadroomTokens = 4096;
    private static readonly Version MinimumCudaCapability = new(7, 0);

    private readonly Func<string, string?> _environment;

    /// <summary>Initializes a new instance of the <see cref="VariantResolver"/> class.</summary>
    /// <param name="catalog">The catalog to choose from, or <see langword="null"/> for <see cref="ModelCatalog.Default"/>.</param>
    /// <param name="environment">Reads environment variables, or <see langword="null"/> for <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public VariantResolver(ModelCatalog? catalog = null, Func<string, string?>? environment = null)
    {
        Catalog = catalog ?? ModelCatalog.Default;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>Gets the catalog the resolver chooses from.</summary>
    public ModelCatalog Catalog { get; }

    /// <summary>Estimates the memory a variant needs: weights, KV cache for the headroom tokens, and runtime overhead.</summary>
    /// <param name="variant">The variant.</param>
    /// <param name="kvHeadroomTokens">Tokens of KV cache to budget, or <see langword="null"/> for 4096 (capped at the context length).</param>
    /// <returns>Bytes of RAM (CPU) or device memory (GPU).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="variant"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kvHeadroomTokens"/> is negative.</exception>
    public static long EstimateRequiredBytes(ModelVariant variant, int? kvHeadroomTokens = null)
    {
        ArgumentNullException.ThrowIfNull(variant);
        var tokens = kvHeadroomTokens ?? DefaultKvHeadroomTokens;
        ArgumentOutOfRangeException.ThrowIfNegative(tokens, nameof(kvHeadroomTokens));
        return variant.WeightsBytes + (variant.KvBytesPerToken * Math.Min(tokens, variant.ContextLength)) + RuntimeOverheadBytes;
    }

    /// <summary>Probes the machine and resolves a variant for it.</summary>
    /// <param name="probe">The hardware probe (for example <see cref="SystemHardwareProbe"/>).</param>
    /// <param name="options">What the caller wants, or <see langword="null"/> for the defaults and environment.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The choice and its explanation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="probe"/> is null.</exception>
    /// <exception cref="ArgumentException">An option or environment variable names an unknown family, variant or provider, or they contradict each other.</exception>
    /// <exception cref="VariantResolutionException">Nothing in the family can run here, or a forced provider or variant cannot.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<VariantResolution> ResolveAsync(IHardwareProbe probe, VariantResolverOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var hardware = await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
        return Resolve(hardware, options);
    }

    /// <summary>Resolves a variant for the machine described by <paramref name="hardware"/>.</summary>
    /// <param name="hardware">The machine (from a probe, or built by hand).</param>
    /// <param name="options">What the caller wants, or <see langword="null"/> for the defaults and environment.</param>
    /// <returns>The choice and its explanation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hardware"/> is null.</exception>
    /// <exception cref="ArgumentException">An option or environment variable names an unknown family, variant or provider, or they contradict each other.</exception>
    /// <exception cref="VariantResolutionException">Nothing in the family can run here, or a forced provider or variant cannot.</exception>
    public VariantResolution Resolve(HardwareInfo hardware, VariantResolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        var request = ReadRequest(options);
        var headroom = options?.KvHeadroomTokens;
        if (headroom is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), headroom, "KvHeadroomTokens must not be negative.");
        }

        var ceiling = options?.MemoryCeilingBytes;
        if (ceiling is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), ceiling, "MemoryCeilingBytes must be positive.");
        }

        var (family, forcedVariant) = FindTargets(request);
        var candidates = Catalog.GetVariants(family);
        var assessments = candidates.Select(v => Assess(v, hardware, headroom, ceiling)).ToList();
        var preference = options?.Preference ?? VariantPreference.Quality;

        CandidateAssessment chosen;
        string chosenReason;
        if (forcedVariant is not null)
        {
            chosen = assessments.First(a => a.Variant.Id == forcedVariant.Id);
            if (chosen.Blocked)
            {
                throw new VariantResolutionException(
                    $"The variant {forcedVariant.Id} was forced ({request.VariantSource}) but cannot run here: {chosen.Detail}. Remove the override or install what is missing.",
                    Verdicts(assessments, chosen, _ => $"not considered, the variant was forced ({request.VariantSource})", "forced"));
            }

            chosenReason = chosen.CanRun ? $"forced ({request.VariantSource}); {chosen.Detail}" : $"forced ({request.VariantSource}); it may not fit: {chosen.Detail}";
            return Result(family, assessments, chosen, chosenReason, _ => $"not considered, the variant was forced ({request.VariantSource})", request);
        }

        var pool = assessments;
        if (request.Provider is { } forcedProvider)
        {
            pool = [.. assessments.Where(a => a.Variant.Provider == forcedProvider)];
            if (pool.Count == 0)
            {
                throw new VariantResolutionException(
                    $"The provider {forcedProvider.ToCatalogName()} was forced ({request.ProviderSource}) but family {family.Id} has no {forcedProvider.ToCatalogName()} variant; it has {string.Join(", ", candidates.Select(c => c.Name))}.",
                    Verdicts(assessments, null, a => a.Detail, string.Empty));
            }

            if (pool.All(a => a.Blocked))
            {
                throw new VariantResolutionException(
                    $"The provider {forcedProvider.ToCatalogName()} was forced ({request.ProviderSource}) but cannot run here: {pool[0].Detail}. The SDK does not fall back to the CPU when a provider is forced; remove the override or install what is missing.",
                    Verdicts(assessments, null, a => a.Detail, string.Empty));
            }
        }

        var runnable = pool.Where(a => a.CanRun).ToList();
        if (runnable.Count > 0)
        {
            chosen = runnable.OrderByDescending(a => Rank(a.Variant, preference)).ThenBy(a => a.Variant.WeightsBytes).First();
            chosenReason = chosen.Detail + ChoiceNote(chosen, runnable, preference);
        }
        else if (request.Provider is not null)
        {
            // Forced provider, device present, but nothing fits: take the smallest and say so; the user asked for it.
            chosen = pool.Where(a => !a.Blocked).OrderBy(a => a.RequiredBytes).First();
            chosenReason = $"the provider was forced ({request.ProviderSource}) and this is its smallest variant, but it may not fit: {chosen.Detail}";
        }
        else
        {
            throw new VariantResolutionException(
                $"No variant of {family.Id} can run on this machine:{Environment.NewLine}{string.Join(Environment.NewLine, assessments.Select(a => "  " + Describe(a)))}",
                Verdicts(assessments, null, a => a.Detail, string.Empty));
        }

        return Result(
            family,
            assessments,
            chosen,
            chosenReason,
            a => request.Provider is { } p && a.Variant.Provider != p
                ? $"not considered, the provider was forced to {p.ToCatalogName()} ({request.ProviderSource})"
                : a.CanRun ? $"can run ({a.Detail}), but {chosen.Variant.Name} ranks higher: {WhyBetter(chosen.Variant, a.Variant, preference)}" : a.Detail,
            request);
    }

    private static VariantResolution Result(ModelFamily family, List<CandidateAssessment> assessments, CandidateAssessment chosen, string reason, Func<CandidateAssessment, string> rejected, Request request)
    {
        var fallback = chosen.Variant.Provider == ExecutionProvider.Cpu
            ? assessments.FirstOrDefault(a => a.RuntimeMissing && a.Variant.Provider != ExecutionProvider.Cpu) is { } missing
                ? $"a GPU is present but not used: {missing.Detail}"
                : null
            : null;
        return new VariantResolution
        {
            Family = family,
            Variant = chosen.Variant,
            Reason = reason,
            Candidates = Verdicts(assessments, chosen, rejected, reason),
            Fallback = fallback,
            Overrides = request.Overrides,
        };
    }

    private static List<CandidateVerdict> Verdicts(List<CandidateAssessment> assessments, CandidateAssessment? chosen, Func<CandidateAssessment, string> rejected, string chosenReason) =>
        [.. assessments.Select(a => new CandidateVerdict
        {
            Variant = a.Variant,
            Chosen = ReferenceEquals(a, chosen),
            CanRun = a.CanRun,
            RequiredBytes = a.RequiredBytes,
            Reason = $"{a.Variant.Name}: {(ReferenceEquals(a, chosen) ? "chosen; " + chosenReason : rejected(a))}",
        })];

    private static string Describe(CandidateAssessment assessment) => $"{assessment.Variant.Name}: {assessment.Detail}";

    private static int Rank(ModelVariant variant, VariantPreference preference)
    {
        var provider = variant.Provider switch
        {
            ExecutionProvider.Cuda => 3,
            ExecutionProvider.DirectML => 2,
            _ => 1,
        };
        var precision = (variant.Precision == WeightPrecision.Int4) == (preference == VariantPreference.Speed) ? 2 : 1;
        var accuracyLevel = variant.Provider == ExecutionProvider.Cpu && variant.AccuracyLevel == 4 ? 1 : 0;
        return (provider * 100) + (precision * 10) + accuracyLevel;
    }

    private static string ChoiceNote(CandidateAssessment chosen, List<CandidateAssessment> runnable, VariantPreference preference)
    {
        if (chosen.Variant.Provider == ExecutionProvider.Cpu)
        {
            return string.Empty;
        }

        var alternatives = runnable.Where(a => a.Variant.Provider == chosen.Variant.Provider && a.Variant.Precision != chosen.Variant.Precision).ToList();
        return chosen.Variant.Precision switch
        {
            WeightPrecision.Fp16 => "; fp16 keeps full quality and fits",
            WeightPrecision.Int4 when preference == VariantPreference.Speed => "; int4 chosen for speed (preference: speed)",
            WeightPrecision.Int4 when alternatives.Count == 0 => string.Empty,
            _ => "; int4 chosen",
        };
    }

    private static string WhyBetter(ModelVariant chosen, ModelVariant other, VariantPreference preference)
    {
        if (chosen.Provider != other.Provider)
        {
            return chosen.Provider == ExecutionProvider.Cuda && other.Provider == ExecutionProvider.DirectML
                ? "CUDA is preferred to DirectML on an NVIDIA GPU"
                : "a GPU runs the model much faster than the CPU";
        }

        if (chosen.Precision != other.Precision)
        {
            return preference == VariantPreference.Speed
                ? $"{Precision(chosen)} is faster and smaller (preference: speed)"
                : $"{Precision(chosen)} keeps more quality and fits (preference: quality)";
        }

        if (chosen.AccuracyLevel == 4 && other.AccuracyLevel != 4)
        {
            return "accuracy level 4 computes in int8 and runs faster on the CPU at nearly the same quality";
        }

        return "it is smaller";
    }

    private static string Precision(ModelVariant variant) => variant.Precision.ToString().ToLowerInvariant();

    private static CandidateAssessment Assess(ModelVariant variant, HardwareInfo hardware, int? headroom, long? ceiling)
    {
        var required = EstimateRequiredBytes(variant, headroom);
        return variant.Provider switch
        {
            ExecutionProvider.Cuda => AssessCuda(variant, hardware, required, ceiling),
            ExecutionProvider.DirectML => AssessDirectML(variant, hardware, required, ceiling),
            _ => AssessCpu(variant, hardware, required, ceiling),
        };
    }

    private static CandidateAssessment AssessCuda(ModelVariant variant, HardwareInfo hardware, long required, long? ceiling)
    {
        var nvidia = hardware.Gpus.Where(g => g.Vendor == GpuVendor.Nvidia).ToList();
        if (nvidia.Count == 0)
        {
            return new(variant, false, true, false, required, "needs an NVIDIA GPU for CUDA; none was found");
        }

        var capable = nvidia.Where(g => g.ComputeCapability is { } cc && cc >= MinimumCudaCapability)
            .OrderByDescending(g => g.FreeMemoryBytes ?? g.DedicatedMemoryBytes).ToList();
        if (capable.Count == 0)
        {
            var gpu = nvidia[0];
            var cc = gpu.ComputeCapability?.ToString() ?? "an unknown compute capability";
            return new(variant, false, true, false, required, $"needs CUDA compute capability 7.0 or newer; the {gpu.Name} has {cc}");
        }

        var best = capable[0];
        if (!hardware.Providers.Cuda)
        {
            return new(variant, false, true, true, required, $"the {best.Name} could run it, but the CUDA provider cannot load: {hardware.Providers.CudaDetail}");
        }

        var has = best.FreeMemoryBytes is { } free ? $"the GPU has {Gb(free)} free" : $"the GPU has {Gb(best.DedicatedMemoryBytes)}";
        var budget = best.FreeMemoryBytes ?? best.DedicatedMemoryBytes;
        return Fit(variant, required, budget, ceiling, "VRAM", has, $"runs on the {best.Name} (compute capability {best.ComputeCapability})");
    }

    private static CandidateAssessment AssessDirectML(ModelVariant variant, HardwareInfo hardware, long required, long? ceiling)
    {
        if (hardware.OperatingSystem != OperatingSystemKind.Windows)
        {
            return new(variant, false, true, false, required, $"DirectML needs Windows; this is {hardware.OperatingSystem}");
        }

        var adapter = hardware.Gpus.Where(g => g.SupportsDirectX12)
            .OrderBy(g => g.IsIntegrated)
            .ThenByDescending(g => g.DedicatedMemoryBytes)
            .FirstOrDefault();
        if (adapter is null)
        {
            return new(variant, false, true, false, required, "needs a DirectX 12 GPU; none was found");
        }

        if (!hardware.Providers.DirectML)
        {
            return new(variant, false, true, true, required, $"the {adapter.Name} supports DirectX 12, but the DirectML provider cannot load: {hardware.Providers.DirectMLDetail}");
        }

        long budget;
        string has;
        if (adapter.IsIntegrated)
        {
            budget = adapter.SharedMemoryBytes ?? (hardware.Memory.TotalBytes ?? 0) / 2;
            has = $"the integrated {adapter.Name} can share {Gb(budget)} of system memory";
        }
        else
        {
            budget = adapter.DedicatedMemoryBytes;
            has = $"the {adapter.Name} has {Gb(budget)}";
        }

        return Fit(variant, required, budget, ceiling, "GPU memory", has, $"runs on the {adapter.Name} through DirectML{(adapter.IsIntegrated ? " (integrated GPU, shared memory)" : string.Empty)}");
    }

    private static CandidateAssessment AssessCpu(ModelVariant variant, HardwareInfo hardware, long required, long? ceiling)
    {
        var cpu = hardware.Cpu;
        if (cpu.Architecture is not (System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.Arm64))
        {
            return new(variant, false, true, false, required, $"onnxruntime-genai has no CPU build for {cpu.Architecture}");
        }

        var simd = string.Join(", ", new[] { cpu.HasAvx2 ? "AVX2" : null, cpu.HasAvx512 ? "AVX-512" : null, cpu.HasNeon ? "NEON" : null }.OfType<string>());
        var where = $"runs on the CPU ({cpu.Architecture}{(simd.Length > 0 ? ", " + simd : string.Empty)})";
        if (variant.AccuracyLevel == 4)
        {
            where += " with int8 compute (accuracy level 4)";
        }

        var total = hardware.Memory.TotalBytes;
        var available = hardware.Memory.AvailableBytes;
        if (total is null)
        {
            return CheckCeiling(variant, required, ceiling, "RAM", $"{where}; needs about {Gb(required)} RAM (the machine's RAM is unknown)");
        }

        var fit = Fit(variant, required, total.Value, ceiling, "RAM", $"the machine has {Gb(total.Value)}", where);
        if (fit.CanRun && available is { } free && free < required)
        {
            return fit with { Detail = $"{fit.Detail}; only {Gb(free)} is free now, so loading may page" };
        }

        return fit.CanRun && available is { } now ? fit with { Detail = $"{where}; needs about {Gb(required)} RAM, {Gb(now)} available" } : fit;
    }

    private static CandidateAssessment Fit(ModelVariant variant, long required, long budget, long? ceiling, string memoryKind, string has, string where)
    {
        if (required > budget)
        {
            return new(variant, false, false, false, required, $"needs about {Gb(required)} {memoryKind}, {has}");
        }

        return CheckCeiling(variant, required, ceiling, memoryKind, $"{where}; needs about {Gb(required)} {memoryKind}, {has}");
    }

    private static CandidateAssessment CheckCeiling(ModelVariant variant, long required, long? ceiling, string memoryKind, string detail) =>
        ceiling is { } limit && required > limit
            ? new(variant, false, false, false, required, $"needs about {Gb(required)} {memoryKind}, over the memory ceiling of {Gb(limit)}")
            : new(variant, true, false, false, required, detail);

    private static string Gb(long bytes) => (bytes / 1e9).ToString("0.0 GB", CultureInfo.InvariantCulture);

    private (ModelFamily Family, ModelVariant? Variant) FindTargets(Request request)
    {
        ModelFamily? family = null;
        if (request.Family is not null)
        {
            family = Catalog.FindFamily(request.Family) ?? throw new ArgumentException(
                $"Unknown model family '{request.Family}' ({request.FamilySource}); known families: {string.Join(", ", Catalog.Families.Select(f => f.Id))}.",
                nameof(request));
        }

        if (request.Variant is null)
        {
            return (family ?? Catalog.FindFamily(Catalog.DefaultFamily)!, null);
        }

        var byId = Catalog.FindVariant(request.Variant);
        if (byId is not null)
        {
            var owner = Catalog.FindFamily(byId.Family)!;
            if (family is not null && family.Id != owner.Id)
            {
                throw new ArgumentException($"The variant {byId.Id} ({request.VariantSource}) belongs to {owner.Id}, not to the family {family.Id} ({request.FamilySource}).", nameof(request));
            }

            family = owner;
        }

        family ??= Catalog.FindFamily(Catalog.DefaultFamily)!;
        var variant = byId ?? Catalog.FindVariant(request.Variant, family) ?? throw new ArgumentException(
            $"Unknown variant '{request.Variant}' ({request.VariantSource}) in family {family.Id}; its variants are {string.Join(", ", Catalog.GetVariants(family).Select(v => v.Name))}.",
            nameof(request));
        if (request.Provider is { } provider && provider != variant.Provider)
        {
            throw new ArgumentException(
                $"The variant {variant.Id} ({request.VariantSource}) uses {variant.Provider.ToCatalogName()}, but the provider {provider.ToCatalogName()} was forced ({request.ProviderSource}).",
                nameof(request));
        }

        return (family, variant);
    }

    private Request ReadRequest(VariantResolverOptions? options)
    {
        var useEnvironment = options?.UseEnvironment ?? true;
        var overrides = new List<string>();
        string? Read(string variable)
        {
            var value = useEnvironment ? _environment(variable)?.Trim() : null;
            return string.IsNullOrEmpty(value) ? null : value;
        }

        (string? Value, string Source) Pick(string? option, string optionName, string variable)
        {
            if (option is not null)
            {
                overrides.Add($"{optionName}={option}");
                return (option, $"option {optionName}");
            }

            if (Read(variable) is { } value)
            {
                overrides.Add($"{variable}={value}");
                return (value, variable);
            }

            return (null, string.Empty);
        }

        var family = Pick(options?.Family, nameof(VariantResolverOptions.Family), ModelVariable);
        var variant = Pick(options?.Variant, nameof(VariantResolverOptions.Variant), VariantVariable);
        ExecutionProvider? provider = null;
        var providerSource = string.Empty;
        if (options?.Provider is { } forced)
        {
            provider = forced;
            providerSource = $"option {nameof(VariantResolverOptions.Provider)}";
            overrides.Add($"{nameof(VariantResolverOptions.Provider)}={forced.ToCatalogName()}");
        }
        else if (Read(ProviderVariable) is { } text && !text.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            if (!ProviderNames.TryParse(text, out var parsed))
            {
                throw new ArgumentException($"{ProviderVariable}='{text}' is not a provider; use cpu, cuda, dml or auto.", nameof(options));
            }

            provider = parsed;
            providerSource = ProviderVariable;
            overrides.Add($"{ProviderVariable}={text}");
        }

        return new Request(family.Value, family.Source, variant.Value, variant.Source, provider, providerSource, overrides);
    }

    private sealed record Request(string? Family, string FamilySource, string? Variant, string VariantSource, ExecutionProvider? Provider, string ProviderSource, List<string> Overrides);
}
