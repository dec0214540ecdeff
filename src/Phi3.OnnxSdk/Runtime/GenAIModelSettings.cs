using System.Text.Json;

namespace Phi3.OnnxSdk.Runtime;

/// <summary>What the SDK reads from <c>genai_config.json</c> before any native call.</summary>
internal sealed class GenAIModelSettings
{
    public const string FileName = "genai_config.json";

    private GenAIModelSettings(string modelType, int contextLength, IReadOnlyList<string> onnxFiles, IReadOnlyList<int> eosTokenIds, int? padTokenId, int? searchMaxLength)
    {
        PadTokenId = padTokenId;
        ModelType = modelType;
        ContextLength = contextLength;
        OnnxFiles = onnxFiles;
        EosTokenIds = eosTokenIds;
        SearchMaxLength = searchMaxLength;
    }

    /// <summary>Gets <c>model.type</c>, e.g. <c>phi3</c>.</summary>
    public string ModelType { get; }

    /// <summary>Gets <c>model.context_length</c>.</summary>
    public int ContextLength { get; }

    /// <summary>Gets the ONNX file names the config refers to (decoder and any other graphs), relative to the folder.</summary>
    public IReadOnlyList<string> OnnxFiles { get; }

    /// <summary>Gets <c>model.eos_token_id</c> (a number or an array).</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>Gets <c>model.pad_token_id</c> when present.</summary>
    public int? PadTokenId { get; }

    /// <summary>Gets <c>search.max_length</c> when present.</summary>
    public int? SearchMaxLength { get; }

    /// <summary>Parses the config at <paramref name="path"/>.</summary>
    /// <exception cref="Phi3ModelException">The file is missing, not JSON, or lacks a required field.</exception>
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
                    if (item.TryGetInt32(out int id))
                    {
                        eos.Add(id);
                    }
                }
            }
        }

        int? padTokenId = model.TryGetProperty("pad_token_id", out var padElement) && padElement.TryGetInt32(out int pad) ? pad : null;
        int? searchMaxLength = null;
        if (root.TryGetProperty("search", out var search) && search.ValueKind == JsonValueKind.Object
            && search.TryGetProperty("max_length", out var maxLength) && maxLength.TryGetInt32(out int max))
        {
            searchMaxLength = max;
        }

        return new GenAIModelSettings(modelType, contextLength, files, eos, padTokenId, searchMaxLength);
    }

    private static Phi3ModelException Missing(string path, string field) =>
        new(path, $"'{path}' lacks the required field '{field}'. The file is not an onnxruntime-genai config or is damaged: download the model again.");
}
