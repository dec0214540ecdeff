using System.Globalization;

namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// Checks, before any native call, that <c>genai_config.json</c>, the tokenizer and the decoder graph describe the same
/// model: the vocabulary of the config, the tokenizer, the logits and the embedding; the special token ids; the
/// key/value cache inputs (one pair per layer, heads and head size); and the context length against the rotary cache
/// the graph positions with. Without it such folders load and fail at the first request with an internal onnxruntime
/// message (Gather index out of bounds, "shape.Size() must be >= 0", a cos_cache dimension). A fact the graph does not
/// state (a named dimension, a rotary cache computed at run time) is not checked. Stateless and thread-safe.
/// </summary>
internal static class ModelConsistency
{
    /// <summary>Checks the folder's parts against each other and returns the model's vocabulary size.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="settings">Its genai_config.json.</param>
    /// <param name="tokenizer">Its tokenizer files.</param>
    /// <param name="graph">Its decoder graph, or <see langword="null"/> when it could not be read.</param>
    /// <returns>The number of token ids the model scores (the logits' last dimension, else <c>vocab_size</c>), or <see langword="null"/> when neither tells.</returns>
    /// <exception cref="Phi3ModelException">A mismatch; the message names the file and the field.</exception>
    public static int? Check(string folder, GenAIModelSettings settings, TokenizerFiles tokenizer, OnnxGraphInfo? graph)
    {
        var context = new Context(folder, settings, tokenizer, graph);
        int? vocabulary = context.CheckVocabulary();
        context.CheckSpecialIds(vocabulary);
        context.CheckKvInputs();
        context.CheckContextLength();
        return vocabulary;
    }

    private sealed class Context(string folder, GenAIModelSettings settings, TokenizerFiles tokenizer, OnnxGraphInfo? graph)
    {
        private readonly string _config = Path.Combine(folder, GenAIModelSettings.FileName);
        private readonly string _graphPath = Path.Combine(folder, settings.DecoderFile);

        private string TokenizerPath => tokenizer.JsonPath ?? Path.Combine(folder, TokenizerFiles.SentencePieceFileName);

        public int? CheckVocabulary()
        {
            long? logits = graph?.Outputs.GetValueOrDefault(settings.LogitsName)?.Dims is [.., long size] ? size : null;
            if (settings.VocabSize is int configured && logits is long scored && configured != scored)
            {
                throw Mismatch(_config, "model.vocab_size", $"is {configured}, but the logits of the graph '{_graphPath}' score {scored} token ids");
            }

            int? vocabulary = logits is long fromGraph && fromGraph is > 0 and <= int.MaxValue ? (int)fromGraph : settings.VocabSize;
            if (vocabulary is <= 0)
            {
                throw Mismatch(_config, "model.vocab_size", $"is {vocabulary}, which is no vocabulary size");
            }

            if (tokenizer.MaxTokenId is int maxId && vocabulary is int scoredIds && maxId >= scoredIds)
            {
                throw new Phi3ModelException(TokenizerPath,
                    $"'{TokenizerPath}' has token ids up to {maxId}, but the model scores only {scoredIds} token ids (model.vocab_size in '{_config}' and the logits of '{_graphPath}'): the tokenizer belongs to another model. Download the model again.");
            }

            if (EmbeddingRows() is long rows && tokenizer.MaxTokenId is int max && max >= rows)
            {
                throw new Phi3ModelException(TokenizerPath,
                    $"'{TokenizerPath}' has token ids up to {max}, but the embedding table of '{_graphPath}' has {rows} rows: the tokenizer belongs to another model. Download the model again.");
            }

            return vocabulary;
        }

        public void CheckSpecialIds(int? vocabulary)
        {
            var named = new List<(string Field, int Id, bool InTokenizer)>();
            if (settings.BosTokenId is int bos)
            {
                named.Add(("model.bos_token_id", bos, true));
            }

            named.AddRange(settings.EosTokenIds.Select(id => ("model.eos_token_id", id, true)));
            if (settings.PadTokenId is int pad)
            {
                named.Add(("model.pad_token_id", pad, false));
            }

            foreach (var (field, id, inTokenizer) in named)
            {
                if (id < 0 || (vocabulary is int size && id >= size))
                {
                    throw Mismatch(_config, field, $"holds {id}, which is outside the model's vocabulary (0 to {(vocabulary ?? 1) - 1})");
                }

                if (inTokenizer && tokenizer.TokenIds is { } ids && !ids.Contains(id))
                {
                    throw Mismatch(_config, field, $"holds {id}, which is not a token of '{TokenizerPath}' ({ids.Count.ToString("N0", CultureInfo.InvariantCulture)} tokens, ids up to {tokenizer.MaxTokenId}): the tokenizer belongs to another model");
                }
            }
        }

        public void CheckKvInputs()
        {
            if (graph is null || graph.Inputs.Count == 0)
            {
                return;
            }

            for (int layer = 0; layer <= settings.NumHiddenLayers; layer++)
            {
                foreach (string name in new[] { settings.PastKeyName(layer), settings.PastValueName(layer) })
                {
                    bool present = graph.Inputs.TryGetValue(name, out var input);
                    if (layer == settings.NumHiddenLayers)
                    {
                        if (present)
                        {
                            throw Mismatch(_config, "model.decoder.num_hidden_layers", $"is {settings.NumHiddenLayers}, but the graph '{_graphPath}' has the key/value input '{name}' of a further layer");
                        }

                        continue;
                    }

                    if (!present)
                    {
                        throw Mismatch(_config, layer == 0 ? "model.decoder.inputs.past_key_names / past_value_names" : "model.decoder.num_hidden_layers",
                            $"asks for the key/value input '{name}' (layer {layer} of {settings.NumHiddenLayers}), which the graph '{_graphPath}' does not have");
                    }

                    CheckKvShape(name, input!);
                }
            }
        }

        public void CheckContextLength()
        {
            if (RotaryPositions() is long positions && settings.ContextLength > positions)
            {
                throw Mismatch(_config, "model.context_length",
                    $"is {settings.ContextLength}, but the graph '{_graphPath}' can position only {positions} tokens (its rotary cos_cache has {positions} rows)");
            }
        }

        private void CheckKvShape(string name, OnnxTensorInfo input)
        {
            // [batch, key/value heads, past sequence, head size]
            if (input.Dims is not [_, var heads, _, var headSize])
            {
                return;
            }

            if (heads is long h && h != settings.NumKeyValueHeads)
            {
                throw Mismatch(_config, "model.decoder.num_key_value_heads", $"gives {settings.NumKeyValueHeads} key/value heads, but the graph input '{name}' of '{_graphPath}' has {h}");
            }

            if (headSize is long d && d != settings.HeadSize)
            {
                throw Mismatch(_config, "model.decoder.head_size", $"gives a head size of {settings.HeadSize} (or hidden_size / num_attention_heads), but the graph input '{name}' of '{_graphPath}' has {d}");
            }
        }

        /// <summary>The rows of the embedding table that the token ids index: the Gather over an initializer fed by the input ids.</summary>
        private long? EmbeddingRows()
        {
            foreach (var node in graph?.Nodes ?? [])
            {
                if (node is { OpType: "Gather", Inputs: [var table, var indices, ..] } && indices == settings.InputIdsName
                    && graph!.InitializerDims.TryGetValue(table, out var dims) && dims.Count == 2)
                {
                    return dims[0];
                }
            }

            return null;
        }

        /// <summary>The rows of the rotary cos cache: of the cache that attention or rotary nodes read, else of any initializer named so.</summary>
        private long? RotaryPositions()
        {
            if (graph is null)
            {
                return null;
            }

            long? rows = null;
            foreach (var node in graph.Nodes)
            {
                int index = node.OpType switch
                {
                    "GroupQueryAttention" => 7,
                    "RotaryEmbedding" => 2,
                    _ => -1,
                };
                if (index >= 0 && index < node.Inputs.Count && graph.InitializerDims.TryGetValue(node.Inputs[index], out var dims) && dims.Count == 2)
                {
                    rows = Math.Min(rows ?? long.MaxValue, dims[0]);
                }
            }

            if (rows is null)
            {
                foreach (var (name, dims) in graph.InitializerDims)
                {
                    if (name.Contains("cos_cache", StringComparison.Ordinal) && dims.Count == 2)
                    {
                        rows = Math.Max(rows ?? 0, dims[0]);
                    }
                }
            }

            return rows;
        }

        private static Phi3ModelException Mismatch(string path, string field, string what) =>
            new(path, $"'{path}': the field '{field}' {what}. The files of this folder do not belong together: fix the field or download the model again.");
    }
}
