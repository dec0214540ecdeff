using System.Text.Json;

namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// The tokenizer files of a model folder, checked before onnxruntime-genai reads them: <c>tokenizer_config.json</c>
/// (always read by onnxruntime-genai's tokenizer) must be a JSON object, and <c>tokenizer.json</c>, when present, must
/// be a complete tokenizer with a vocabulary. What it holds (the token ids, the byte tokens, the added tokens) feeds
/// the consistency checks against genai_config.json and the graph, and plain-text encoding. Immutable and thread-safe.
/// </summary>
internal sealed class TokenizerFiles
{
    /// <summary>The Hugging Face tokenizer file.</summary>
    public const string JsonFileName = "tokenizer.json";

    /// <summary>The tokenizer settings file.</summary>
    public const string ConfigFileName = "tokenizer_config.json";

    /// <summary>The SentencePiece model file, an alternative to <see cref="JsonFileName"/>.</summary>
    public const string SentencePieceFileName = "tokenizer.model";

    private TokenizerFiles(string? jsonPath, HashSet<int>? ids, IReadOnlyList<string> pieces, IReadOnlyList<string> addedTexts, int[]? byteTokenIds)
    {
        JsonPath = jsonPath;
        TokenIds = ids;
        MaxTokenId = ids is { Count: > 0 } ? ids.Max() : null;
        Pieces = pieces;
        AddedTexts = addedTexts;
        ByteTokenIds = byteTokenIds;
    }

    /// <summary>Gets the path of <c>tokenizer.json</c>, or <see langword="null"/> when the folder has only <c>tokenizer.model</c>.</summary>
    public string? JsonPath { get; }

    /// <summary>Gets every token id of <c>tokenizer.json</c> (vocabulary and added tokens); <see langword="null"/> when unknown.</summary>
    public IReadOnlySet<int>? TokenIds { get; }

    /// <summary>Gets the largest token id; <see langword="null"/> when unknown.</summary>
    public int? MaxTokenId { get; }

    /// <summary>Gets the vocabulary pieces that are not added tokens.</summary>
    public IReadOnlyList<string> Pieces { get; }

    /// <summary>Gets the text of the added tokens longer than one character.</summary>
    public IReadOnlyList<string> AddedTexts { get; }

    /// <summary>Gets the ids of the byte-fallback tokens <c>&lt;0x00&gt;</c> to <c>&lt;0xFF&gt;</c> by byte value, or <see langword="null"/> when the vocabulary lacks any of them.</summary>
    public IReadOnlyList<int>? ByteTokenIds { get; }

    /// <summary>Checks and reads the tokenizer files of <paramref name="folder"/>.</summary>
    /// <exception cref="Phi3ModelException">A file is missing, not JSON, or not a tokenizer; the message names it.</exception>
    public static TokenizerFiles Load(string folder)
    {
        string jsonPath = Path.Combine(folder, JsonFileName);
        bool hasJson = File.Exists(jsonPath);
        if (!hasJson && !File.Exists(Path.Combine(folder, SentencePieceFileName)))
        {
            throw new Phi3ModelException(folder, $"The model folder '{folder}' has no {JsonFileName} or {SentencePieceFileName}. Download the model's tokenizer files too.");
        }

        string configPath = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new Phi3ModelException(configPath, $"'{configPath}' does not exist: onnxruntime-genai's tokenizer reads it beside {JsonFileName}. Download the model's tokenizer files too.");
        }

        using (var config = Parse(configPath))
        {
            if (config.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new Phi3ModelException(configPath, $"'{configPath}' must hold a JSON object. The file is damaged: download the model again.");
            }
        }

        if (!hasJson)
        {
            return new TokenizerFiles(null, null, [], [], null);
        }

        using var document = Parse(jsonPath);
        return Read(jsonPath, document.RootElement);
    }

    private static TokenizerFiles Read(string path, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object
            || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            throw NotATokenizer(path, "it has no 'model.vocab'");
        }

        var ids = new HashSet<int>();
        var pieces = new Dictionary<string, int>(StringComparer.Ordinal);
        if (vocab.ValueKind == JsonValueKind.Object)
        {
            foreach (var piece in vocab.EnumerateObject())
            {
                if (piece.Value.ValueKind != JsonValueKind.Number || !piece.Value.TryGetInt32(out int id) || id < 0)
                {
                    throw NotATokenizer(path, $"the id of the piece '{piece.Name}' is not a token id");
                }

                ids.Add(id);
                pieces[piece.Name] = id;
            }
        }
        else
        {
            // Unigram: [[piece, score], ...], the id being the index.
            int id = 0;
            foreach (var entry in vocab.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() < 1 || entry[0].ValueKind != JsonValueKind.String)
                {
                    throw NotATokenizer(path, $"vocabulary entry {id} is not a [piece, score] pair");
                }

                ids.Add(id);
                pieces[entry[0].GetString()!] = id++;
            }
        }

        if (ids.Count == 0)
        {
            throw NotATokenizer(path, "its vocabulary is empty");
        }

        var added = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var addedTokens))
        {
            if (addedTokens.ValueKind != JsonValueKind.Array)
            {
                throw NotATokenizer(path, "'added_tokens' is not an array");
            }

            foreach (var token in addedTokens.EnumerateArray())
            {
                if (token.ValueKind != JsonValueKind.Object
                    || !token.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number || !idElement.TryGetInt32(out int id) || id < 0
                    || !token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                {
                    throw NotATokenizer(path, "an entry of 'added_tokens' lacks a token id or its content");
                }

                ids.Add(id);
                if (content.GetString() is { Length: > 1 } text)
                {
                    added.Add(text);
                }
            }
        }

        var byteIds = new int[256];
        for (int b = 0; b < byteIds.Length; b++)
        {
            if (!pieces.TryGetValue($"<0x{b:X2}>", out byteIds[b]))
            {
                byteIds = null;
                break;
            }
        }

        return new TokenizerFiles(path, ids, [.. pieces.Keys.Where(p => !added.Contains(p))], [.. added], byteIds);
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new Phi3ModelException(path, $"'{path}' is not valid JSON ({ex.Message}). The file may be truncated or corrupt: download the model again.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Phi3ModelException(path, $"'{path}' could not be read: {ex.Message}", ex);
        }
    }

    private static Phi3ModelException NotATokenizer(string path, string why) =>
        new(path, $"'{path}' is not a tokenizer: {why}. The file is damaged or of another kind: download the model again.");
}
