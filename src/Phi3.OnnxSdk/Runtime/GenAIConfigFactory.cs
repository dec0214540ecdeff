using System.Text.Json;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// Creates an onnxruntime-genai <see cref="Config"/> for a model folder with a chosen execution provider: it clears the
/// folder's providers, appends the chosen one, and sets its options in this order: the folder's genai_config.json
/// options for that provider, the catalog's per-variant options, then the caller's.
/// </summary>
/// <remarks>
/// Thread-safe: the factory holds no state. The caller owns the returned <see cref="Config"/> and must dispose it
/// (after creating a <see cref="Model"/> from it, or on failure).
/// </remarks>
public static class GenAIConfigFactory
{
    private const string ConfigFileName = "genai_config.json";

    /// <summary>Creates a Config for the variant a resolver chose.</summary>
    /// <param name="modelDirectory">The folder holding genai_config.json and the model files.</param>
    /// <param name="resolution">The resolver's choice.</param>
    /// <param name="providerOptions">Options for the chosen provider that override the folder's and the catalog's, or <see langword="null"/>.</param>
    /// <returns>A configured Config the caller must dispose.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelDirectory"/> is empty, or options are given for the CPU provider.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no genai_config.json.</exception>
    /// <exception cref="InvalidDataException">genai_config.json is not valid JSON.</exception>
    /// <exception cref="OnnxRuntimeGenAIException">onnxruntime-genai rejected the config or a provider setting.</exception>
    /// <exception cref="Phi3ModelException">The onnxruntime-genai native library is missing (the app has no backend package).</exception>
    public static Config Create(string modelDirectory, VariantResolution resolution, IReadOnlyDictionary<string, string>? providerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        return Create(modelDirectory, resolution.Variant, providerOptions);
    }

    /// <summary>Creates a Config for a catalog variant: its provider and its per-variant options.</summary>
    /// <param name="modelDirectory">The folder holding genai_config.json and the model files.</param>
    /// <param name="variant">The variant whose provider and options to apply.</param>
    /// <param name="providerOptions">Options for the variant's provider that override the folder's and the catalog's, or <see langword="null"/>.</param>
    /// <returns>A configured Config the caller must dispose.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelDirectory"/> is empty, or options are given for the CPU provider.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no genai_config.json.</exception>
    /// <exception cref="InvalidDataException">genai_config.json is not valid JSON.</exception>
    /// <exception cref="OnnxRuntimeGenAIException">onnxruntime-genai rejected the config or a provider setting.</exception>
    /// <exception cref="Phi3ModelException">The onnxruntime-genai native library is missing (the app has no backend package).</exception>
    public static Config Create(string modelDirectory, ModelVariant variant, IReadOnlyDictionary<string, string>? providerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return Create(modelDirectory, variant.Provider, variant.ProviderOptions, providerOptions);
    }

    /// <summary>Creates a Config for a model folder and an explicit provider.</summary>
    /// <param name="modelDirectory">The folder holding genai_config.json and the model files.</param>
    /// <param name="provider">The provider to run on; <see cref="ExecutionProvider.Cpu"/> leaves the provider list empty.</param>
    /// <param name="catalogOptions">Per-variant options by provider name (only the chosen provider's are used), or <see langword="null"/>.</param>
    /// <param name="providerOptions">Options for <paramref name="provider"/> that override all others, or <see langword="null"/>.</param>
    /// <returns>A configured Config the caller must dispose.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelDirectory"/> is null or empty, or options are given for the CPU provider.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no genai_config.json.</exception>
    /// <exception cref="InvalidDataException">genai_config.json is not valid JSON.</exception>
    /// <exception cref="OnnxRuntimeGenAIException">onnxruntime-genai rejected the config or a provider setting.</exception>
    /// <exception cref="Phi3ModelException">The onnxruntime-genai native library is missing (the app has no backend package).</exception>
    public static Config Create(
        string modelDirectory,
        ExecutionProvider provider,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? catalogOptions = null,
        IReadOnlyDictionary<string, string>? providerOptions = null)
    {
        var plan = Plan(modelDirectory, provider, catalogOptions, providerOptions);
        // The first native call of a provisioned load: an app without a backend package fails here, with the packages to add.
        BackendPackages.EnsureNativeLoads(Path.GetFullPath(modelDirectory));
        var config = new Config(Path.GetFullPath(modelDirectory));
        try
        {
            // The same load settings a plain folder load gets (threads), before the providers are set.
            RuntimeTuning.ForFolder(Path.GetFullPath(modelDirectory)).ApplyTo(config);
            config.ClearProviders();
            if (plan.ProviderName is { } name)
            {
                config.AppendProvider(name);
                foreach (var (key, value) in plan.Options)
                {
                    config.SetProviderOption(name, key, value);
                }
            }

            return config;
        }
        catch
        {
            config.Dispose();
            throw;
        }
    }

    /// <summary>Works out the provider and options without touching onnxruntime-genai.</summary>
    internal static ProviderPlan Plan(
        string modelDirectory,
        ExecutionProvider provider,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? catalogOptions,
        IReadOnlyDictionary<string, string>? providerOptions)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        var directory = Path.GetFullPath(modelDirectory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Model folder '{directory}' does not exist; download the variant first or pass the folder that holds {ConfigFileName}.");
        }

        var configPath = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"Model folder '{directory}' has no {ConfigFileName}; pass the variant's folder (the one with the .onnx file).", configPath);
        }

        if (provider == ExecutionProvider.Cpu)
        {
            if (providerOptions is { Count: > 0 })
            {
                throw new ArgumentException("The CPU provider takes no provider options; remove them or choose cuda or dml.", nameof(providerOptions));
            }

            return new ProviderPlan(null, []);
        }

        var name = provider.ToCatalogName();
        var options = new List<KeyValuePair<string, string>>(ReadFolderOptions(configPath, name));
        if (catalogOptions is not null)
        {
            foreach (var (key, values) in catalogOptions)
            {
                if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    options.AddRange(values);
                }
            }
        }

        if (providerOptions is not null)
        {
            options.AddRange(providerOptions);
        }

        return new ProviderPlan(name, options);
    }

    /// <summary>Reads model.decoder.session_options.provider_options[*][provider] from genai_config.json.</summary>
    private static List<KeyValuePair<string, string>> ReadFolderOptions(string configPath, string provider)
    {
        var result = new List<KeyValuePair<string, string>>();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(configPath));
            if (!document.RootElement.TryGetProperty("model", out var model)
                || !model.TryGetProperty("decoder", out var decoder)
                || !decoder.TryGetProperty("session_options", out var session)
                || !session.TryGetProperty("provider_options", out var list)
                || list.ValueKind != JsonValueKind.Array)
            {
                return result;
            }

            foreach (var entry in list.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var property in entry.EnumerateObject())
                {
                    if (!property.Name.Equals(provider, StringComparison.OrdinalIgnoreCase) || property.Value.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    foreach (var option in property.Value.EnumerateObject())
                    {
                        result.Add(new(option.Name, option.Value.ValueKind == JsonValueKind.String ? option.Value.GetString()! : option.Value.GetRawText()));
                    }
                }
            }

            return result;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{configPath}' is not valid JSON ({ex.Message}); re-download the model folder.", ex);
        }
    }
}
