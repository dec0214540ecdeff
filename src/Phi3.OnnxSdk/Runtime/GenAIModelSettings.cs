using System.Text.Json;

namespace Phi3.OnnxSdk.Runtime;

/// <summary>What the SDK reads from <c>genai_config.json</c> before any native call.</summary>
internal sealed class GenAIModelSettings
{
    public const string FileName = "genai_config.json";

    private const string DefaultPastKeyNames = "past_key_values.%d.key";
    private const string DefaultPastValueNames = "past_key_values.%d.value";

    private GenAIModelSettings(
        string modelType,
        int contextLength,
        IReadOnlyList<string> onnxFiles,
        string decoderFile,
        (int Layers, int KeyValueHeads, int HeadSize) dimensions,
        (string Keys, string Values) pastNames,
        IReadOnlyList<int> eosTokenIds,
        (int? Bos, int? Pad, int? VocabSize) ids,
        int? searchMaxLength)
    {
        BosTokenId = ids.Bos;
        PadTokenId = ids.Pad;
        VocabSize = ids.VocabSize;
        ModelType = modelType;
        ContextLength = contextLength;
        OnnxFiles = onnxFiles;
        DecoderFile = decoderFile;
        NumHiddenLayers = dimensions.Layers;
        NumKeyValueHeads = dimensions.KeyValueHeads;
        HeadSize = dimensions.HeadSize;
        PastKeyNames = pastNames.Keys;
        PastValueNames = pastNames.Values;
        EosTokenIds = eosTokenIds;
        SearchMaxLength = searchMaxLength;
    }

    /// <summary>Gets <c>model.type</c>, e.g. <c>phi3</c>.</summary>
    public string ModelType { get; }

    /// <summary>Gets <c>model.context_length</c>.</summary>
    public int ContextLength { get; }

    /// <summary>Gets the ONNX file names the config refers to (decoder and any other graphs), relative to the folder.</summary>
    public IReadOnlyList<string> OnnxFiles { get; }

    /// <summary>Gets <c>model.decoder.filename</c>, relative to the folder.</summary>
    public string DecoderFile { get; }

    /// <summary>Gets <c>model.decoder.num_hidden_layers</c>.</summary>
    public int NumHiddenLayers { get; }

    /// <summary>Gets <c>model.decoder.num_key_value_heads</c>, or <c>num_attention_heads</c> when absent.</summary>
    public int NumKeyValueHeads { get; }

    /// <summary>Gets <c>model.decoder.head_size</c>, or <c>hidden_size / num_attention_heads</c> when absent.</summary>
    public int HeadSize { get; }

    /// <summary>Gets <c>model.decoder.inputs.past_key_names</c>, the graph input names of the key caches with <c>%d</c> for the layer (default <c>past_key_values.%d.key</c>).</summary>
    public string PastKeyNames { get; }

    /// <summary>Gets <c>model.decoder.inputs.past_value_names</c> (default <c>past_key_values.%d.value</c>).</summary>
    public string PastValueNames { get; }

    /// <summary>Gets <c>model.decoder.inputs.input_ids</c>, the graph input of the token ids (default <c>input_ids</c>).</summary>
    public string InputIdsName { get; private init; } = "input_ids";

    /// <summary>Gets <c>model.decoder.outputs.logits</c>, the graph output of the next-token scores (default <c>logits</c>).</summary>
    public string LogitsName { get; private init; } = "logits";

    /// <summary>Gets the graph input name of layer <paramref name="layer"/>'s key cache.</summary>
    public string PastKeyName(int layer) => PastKeyNames.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Gets the graph input name of layer <paramref name="layer"/>'s value cache.</summary>
    public string PastValueName(int layer) => PastValueNames.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Gets <c>model.eos_token_id</c> (a number or an array).</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>Gets <c>model.pad_token_id</c> when present.</summary>
    public int? PadTokenId { get; }

    /// <summary>Gets <c>model.bos_token_id</c> when present.</summary>
    public int? BosTokenId { get; }

    /// <summary>Gets <c>model.vocab_size</c> when present.</summary>
    public int? VocabSize { get; }

    /// <summary>Gets <c>search.max_length</c> when present.</summary>
    public int? SearchMaxLength { get; }

    /// <summary>Parses the config at <paramref name="path"/>.</summary>
    /// <exception cref="Phi3ModelException">The file is missing, not JSON, lacks a required field, or a field has the wrong JSON type.</exception>
    public static GenAIModelSettings Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new Phi3ModelException(path, $"The model folder has no {FileName} at '{path}'. Point the SDK at a folder that holds an onnxruntime-genai model (genai_config.json, the ONNX files and the tokenizer).");
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            GenAIConfigFieldTypes.Check(path, document.RootElement);
            return Parse(path, document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new Phi3ModelException(path, $"'{path}' is not valid JSON ({ex.Message}). The file may be truncated or corrupt: download the model again.", ex);
        }
        catch (IOException ex)
        {
            throw new Phi3ModelException(path, $"'{path}' could not be read: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new Phi3ModelException(path, $"'{path}' could not be read: {ex.Message}", ex);
        }
    }

    private static GenAIModelSettings Parse(string path, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw Missing(path, "model");
        }

        string modelType = model.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw Missing(path, "model.type");

        if (!model.TryGetProperty("context_length", out var contextElement) || !contextElement.TryGetInt32(out int contextLength) || contextLength <= 0)
        {
            throw Missing(path, "model.context_length (a positive integer)");
        }

        var files = new List<string>();
        foreach (var graph in model.EnumerateObject())
        {
            if (graph.Value.ValueKind == JsonValueKind.Object
                && graph.Value.TryGetProperty("filename", out var fileName)
                && fileName.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(fileName.GetString()))
            {
                files.Add(fileName.GetString()!);
            }
        }

        if (!model.TryGetProperty("decoder", out var decoder) || decoder.ValueKind != JsonValueKind.Object
            || !decoder.TryGetProperty("filename", out var decoderFile) || decoderFile.ValueKind != JsonValueKind.String)
        {
            throw Missing(path, "model.decoder.filename");
        }

        var dimensions = ReadDimensions(path, decoder);
        var pastNames = (InputName(decoder, "past_key_names") ?? DefaultPastKeyNames, InputName(decoder, "past_value_names") ?? DefaultPastValueNames);
        var ioNames = (InputName(decoder, "input_ids") ?? "input_ids", Name(decoder, "outputs", "logits") ?? "logits");

        var eos = new List<int>();
        if (model.TryGetProperty("eos_token_id", out var eosElement))
        {
            if (eosElement.ValueKind == JsonValueKind.Number && eosElement.TryGetInt32(out int single))
            {
                eos.Add(single);
            }
            else if (eosElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in eosElement.EnumerateArray())
                {
                    eos.Add(item.GetInt32());
                }
            }
        }

        int? searchMaxLength = null;
        if (root.TryGetProperty("search", out var search) && search.ValueKind == JsonValueKind.Object
            && search.TryGetProperty("max_length", out var maxLength) && maxLength.TryGetInt32(out int max))
        {
            searchMaxLength = max;
        }

        var ids = (Int(model, "bos_token_id"), Int(model, "pad_token_id"), Int(model, "vocab_size"));
        return new GenAIModelSettings(modelType, contextLength, files, decoderFile.GetString()!, dimensions, pastNames, eos, ids, searchMaxLength) { InputIdsName = ioNames.Item1, LogitsName = ioNames.Item2 };
    }

    /// <summary>
    /// Reads the KV cache dimensions of <c>model.decoder</c>. An absent field falls back to what it equals in a model
    /// without it: key/value heads to the attention heads (multi-head attention), the head size to the hidden size over
    /// the attention heads.
    /// </summary>
    private static (int Layers, int KeyValueHeads, int HeadSize) ReadDimensions(string path, JsonElement decoder)
    {
        int? layers = PositiveInt(decoder, "num_hidden_layers");
        int? attentionHeads = PositiveInt(decoder, "num_attention_heads");
        int? hiddenSize = PositiveInt(decoder, "hidden_size");
        int? keyValueHeads = PositiveInt(decoder, "num_key_value_heads") ?? attentionHeads;
        int? headSize = PositiveInt(decoder, "head_size")
            ?? (hiddenSize is int hidden && attentionHeads is int heads && hidden % heads == 0 ? hidden / heads : null);
        return (
            layers ?? throw Missing(path, "model.decoder.num_hidden_layers (a positive integer)"),
            keyValueHeads ?? throw Missing(path, "model.decoder.num_key_value_heads (or num_attention_heads; a positive integer)"),
            headSize ?? throw Missing(path, "model.decoder.head_size (or hidden_size and num_attention_heads; positive integers)"));
    }

    private static string? InputName(JsonElement decoder, string name) => Name(decoder, "inputs", name);

    private static string? Name(JsonElement decoder, string group, string name) =>
        decoder.TryGetProperty(group, out var names) && names.ValueKind == JsonValueKind.Object
        && names.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    private static int? Int(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int value) ? value : null;

    private static int? PositiveInt(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int value) && value > 0
            ? value
            : null;

    private static Phi3ModelException Missing(string path, string field) =>
        new(path, $"'{path}' lacks the required field '{field}'. The file is not an onnxruntime-genai config or is damaged: download the model again.");
}
