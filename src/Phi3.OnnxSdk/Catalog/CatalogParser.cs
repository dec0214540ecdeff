using System.Text.Json;

namespace Phi3.OnnxSdk.Catalog;

/// <summary>Reads the models.json format into catalog records, naming the entry in every error.</summary>
internal static class CatalogParser
{
    public sealed record Result(IReadOnlyList<ModelFamily> Families, IReadOnlyList<ModelVariant> Variants, string? DefaultFamily);

    public static Result Parse(string json, string source, string? baseDirectory)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ModelCatalogException($"Model catalog '{source}' is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelCatalogException($"Model catalog '{source}': the top level must be a JSON object.", source, null);
            }

            if (root.TryGetProperty("version", out var version) && !(version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out var v) && v == 1))
            {
                throw new ModelCatalogException($"Model catalog '{source}': version {version.GetRawText()} is not supported; this SDK reads version 1.", source, null);
            }

            var families = new List<ModelFamily>();
            if (root.TryGetProperty("families", out var familiesElement))
            {
                var index = 0;
                foreach (var item in ArrayOf(familiesElement, source, null, "families"))
                {
                    families.Add(ReadFamily(item, source, index++));
                }
            }

            var variants = new List<ModelVariant>();
            if (!root.TryGetProperty("models", out var modelsElement))
            {
                throw new ModelCatalogException($"Model catalog '{source}': missing required field 'models' (an array of variants).", source, null);
            }

            var modelIndex = 0;
            foreach (var item in ArrayOf(modelsElement, source, null, "models"))
            {
                variants.Add(ReadVariant(item, source, baseDirectory, modelIndex++));
            }

            var defaultFamily = root.TryGetProperty("defaultFamily", out var df) ? StringOf(df, source, null, "defaultFamily") : null;
            return new Result(families, variants, defaultFamily);
        }
    }

    private static ModelFamily ReadFamily(JsonElement item, string source, int index)
    {
        var entry = EntryName(item, $"families[{index}]");
        RequireObject(item, source, entry);
        return new ModelFamily
        {
            Id = RequiredString(item, "id", source, entry),
            Aliases = StringArray(item, "aliases", source, entry),
            Description = OptionalString(item, "description", source, entry),
        };
    }

    private static ModelVariant ReadVariant(JsonElement item, string source, string? baseDirectory, int index)
    {
        var entry = EntryName(item, $"models[{index}]");
        RequireObject(item, source, entry);

        var providerText = RequiredString(item, "provider", source, entry);
        if (!ProviderNames.TryParse(providerText, out var provider) || providerText.Equals("directml", StringComparison.OrdinalIgnoreCase))
        {
            throw Error(source, entry, $"unknown provider '{providerText}'; use cpu, cuda or dml");
        }

        var precisionText = RequiredString(item, "precision", source, entry);
        var precision = precisionText switch
        {
            "int4" => WeightPrecision.Int4,
            "fp16" => WeightPrecision.Fp16,
            "fp32" => WeightPrecision.Fp32,
            _ => throw Error(source, entry, $"unknown precision '{precisionText}'; use int4, fp16 or fp32"),
        };

        var memory = RequiredProperty(item, "memory", source, entry);
        RequireObject(memory, source, entry, "memory");

        var capabilities = ModelCapabilities.None;
        foreach (var capability in StringArray(item, "capabilities", source, entry, required: true))
        {
            capabilities |= capability switch
            {
                "text" => ModelCapabilities.Text,
                "vision" => ModelCapabilities.Vision,
                _ => throw Error(source, entry, $"unknown capability '{capability}'; use text or vision"),
            };
        }

        var filesElement = RequiredProperty(item, "files", source, entry);
        var files = new List<ModelFile>();
        foreach (var file in ArrayOf(filesElement, source, entry, "files"))
        {
            RequireObject(file, source, entry, "files[]");
            files.Add(new ModelFile
            {
                Path = RequiredString(file, "path", source, entry),
                SizeBytes = OptionalInt64(file, "size", source, entry),
                Sha256 = OptionalString(file, "sha256", source, entry),
            });
        }

        return new ModelVariant
        {
            Id = RequiredString(item, "id", source, entry),
            Family = RequiredString(item, "family", source, entry),
            Name = RequiredString(item, "variant", source, entry),
            Aliases = StringArray(item, "aliases", source, entry),
            Source = ReadSource(RequiredProperty(item, "source", source, entry), source, entry, baseDirectory),
            Provider = provider,
            Precision = precision,
            Quantization = OptionalString(item, "quantization", source, entry),
            AccuracyLevel = item.TryGetProperty("accuracyLevel", out var acc) ? (int)Int64Of(acc, source, entry, "accuracyLevel") : null,
            Files = files,
            FileListComplete = item.TryGetProperty("fileListComplete", out var complete) && BoolOf(complete, source, entry, "fileListComplete"),
            ContextLength = (int)Math.Min(int.MaxValue, Int64Of(RequiredProperty(item, "contextLength", source, entry), source, entry, "contextLength")),
            WeightsBytes = Int64Of(RequiredProperty(memory, "weightsBytes", source, entry, "memory."), source, entry, "memory.weightsBytes"),
            KvBytesPerToken = Int64Of(RequiredProperty(memory, "kvBytesPerToken", source, entry, "memory."), source, entry, "memory.kvBytesPerToken"),
            Capabilities = capabilities,
            Tokenizer = RequiredString(item, "tokenizer", source, entry),
            ProviderOptions = ReadProviderOptions(item, source, entry),
            Notes = OptionalString(item, "notes", source, entry),
        };
    }

    private static ModelSource ReadSource(JsonElement element, string source, string entry, string? baseDirectory)
    {
        RequireObject(element, source, entry, "source");
        var subfolder = OptionalString(element, "subfolder", source, entry) ?? string.Empty;
        var hasHub = element.TryGetProperty("hub", out var hub);
        var localPath = OptionalString(element, "localPath", source, entry);
        if (hasHub == (localPath is not null))
        {
            throw Error(source, entry, "source must have exactly one of 'hub' (a Hugging Face repository) and 'localPath' (a folder)");
        }

        if (localPath is not null)
        {
            if (!Path.IsPathFullyQualified(localPath))
            {
                if (baseDirectory is null)
                {
                    throw Error(source, entry, $"localPath '{localPath}' is relative but the catalog has no folder to resolve it from; use an absolute path or load the catalog from a file");
                }

                localPath = Path.GetFullPath(Path.Combine(baseDirectory, localPath));
            }

            return new ModelSource { LocalPath = localPath, Subfolder = subfolder };
        }

        RequireObject(hub, source, entry, "source.hub");
        return new ModelSource
        {
            HubRepository = RequiredString(hub, "repo", source, entry, "source.hub."),
            Revision = RequiredString(hub, "revision", source, entry, "source.hub."),
            IsPinned = BoolOf(RequiredProperty(hub, "pinned", source, entry, "source.hub."), source, entry, "source.hub.pinned"),
            Subfolder = subfolder,
        };
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> ReadProviderOptions(JsonElement item, string source, string entry)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        if (!item.TryGetProperty("providerOptions", out var options))
        {
            return result;
        }

        RequireObject(options, source, entry, "providerOptions");
        foreach (var provider in options.EnumerateObject())
        {
            RequireObject(provider.Value, source, entry, $"providerOptions.{provider.Name}");
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var option in provider.Value.EnumerateObject())
            {
                values[option.Name] = StringOf(option.Value, source, entry, $"providerOptions.{provider.Name}.{option.Name}");
            }

            result[provider.Name] = values;
        }

        return result;
    }

    private static string EntryName(JsonElement item, string fallback) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()!
            : fallback;

    private static ModelCatalogException Error(string source, string? entry, string what) =>
        new(entry is null ? $"Model catalog '{source}': {what}." : $"Model catalog '{source}', entry '{entry}': {what}.", source, entry);

    private static void RequireObject(JsonElement element, string source, string entry, string? field = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, entry, field is null ? "the entry must be a JSON object" : $"'{field}' must be a JSON object");
        }
    }

    private static JsonElement.ArrayEnumerator ArrayOf(JsonElement element, string source, string? entry, string field) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : throw Error(source, entry, $"'{field}' must be an array");

    private static JsonElement RequiredProperty(JsonElement item, string name, string source, string entry, string prefix = "") =>
        item.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw Error(source, entry, $"missing required field '{prefix}{name}'");

    private static string RequiredString(JsonElement item, string name, string source, string entry, string prefix = "") =>
        StringOf(RequiredProperty(item, name, source, entry, prefix), source, entry, prefix + name);

    private static string? OptionalString(JsonElement item, string name, string source, string entry) =>
        item.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? StringOf(value, source, entry, name) : null;

    private static long? OptionalInt64(JsonElement item, string name, string source, string entry) =>
        item.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Int64Of(value, source, entry, name) : null;

    private static string StringOf(JsonElement value, string source, string? entry, string field) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(source, entry, $"'{field}' must be a string");

    private static bool BoolOf(JsonElement value, string source, string entry, string field) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error(source, entry, $"'{field}' must be true or false"),
    };

    private static long Int64Of(JsonElement value, string source, string entry, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw Error(source, entry, $"'{field}' must be an integer, not {value.GetRawText()}");

    private static List<string> StringArray(JsonElement item, string name, string source, string entry, bool required = false)
    {
        var list = new List<string>();
        if (!item.TryGetProperty(name, out var value))
        {
            if (required)
            {
                throw Error(source, entry, $"missing required field '{name}'");
            }

            return list;
        }

        foreach (var element in ArrayOf(value, source, entry, name))
        {
            list.Add(StringOf(element, source, entry, name + "[]"));
        }

        return list;
    }
}
