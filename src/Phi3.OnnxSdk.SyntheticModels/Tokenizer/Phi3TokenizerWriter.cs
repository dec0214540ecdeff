using System.Text.Encodings.Web;
using System.Text.Json;

namespace Phi3.OnnxSdk.SyntheticModels.Tokenizer;

/// <summary>
/// Writes the Phi-3 tokenizer files in Hugging Face format: <c>tokenizer.json</c> (Llama-2 BPE
/// with byte fallback, the SentencePiece-style normalizer and decoder, the Phi-3 added tokens),
/// <c>tokenizer_config.json</c> with the Phi-3 chat template, <c>special_tokens_map.json</c>
/// and <c>added_tokens.json</c>.
/// </summary>
internal static class Phi3TokenizerWriter
{
    /// <summary>The Phi-3-mini chat template.</summary>
    public const string ChatTemplate =
        "{% for message in messages %}" +
        "{% if message['role'] == 'system' and message['content'] %}{{'<|system|>\n' + message['content'] + '<|end|>\n'}}" +
        "{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}" +
        "{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}" +
        "{% endif %}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}";

    private const string SpaceMarker = "\u2581";

    private static readonly JsonWriterOptions s_options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void WriteAll(string folder, LlamaVocabulary vocabulary, int contextLength)
    {
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), Write(w => WriteTokenizerJson(w, vocabulary)));
        File.WriteAllBytes(Path.Combine(folder, "tokenizer_config.json"), Write(w => WriteTokenizerConfig(w, contextLength)));
        File.WriteAllBytes(Path.Combine(folder, "special_tokens_map.json"), Write(WriteSpecialTokensMap));
        File.WriteAllBytes(Path.Combine(folder, "added_tokens.json"), Write(WriteAddedTokens));
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_options))
        {
            body(writer);
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static IEnumerable<(string Content, int Id, bool RightStrip)> AllAddedTokens()
    {
        yield return ("<unk>", 0, false);
        yield return ("<s>", 1, false);
        yield return ("</s>", 2, false);
        foreach (var token in Phi3SpecialToken.Added)
        {
            yield return (token.Content, token.Id, token.RightStrip);
        }
    }

    private static void WriteTokenizerJson(Utf8JsonWriter w, LlamaVocabulary vocabulary)
    {
        w.WriteStartObject();
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");
        w.WriteStartArray("added_tokens");
        foreach (var (content, id, rightStrip) in AllAddedTokens())
        {
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("content", content);
            w.WriteBoolean("single_word", false);
            w.WriteBoolean("lstrip", false);
            w.WriteBoolean("rstrip", rightStrip);
            w.WriteBoolean("normalized", false);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartObject("normalizer");
        w.WriteString("type", "Sequence");
        w.WriteStartArray("normalizers");
        w.WriteStartObject();
        w.WriteString("type", "Prepend");
        w.WriteString("prepend", SpaceMarker);
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "Replace");
        w.WriteStartObject("pattern");
        w.WriteString("String", " ");
        w.WriteEndObject();
        w.WriteString("content", SpaceMarker);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteNull("pre_tokenizer");
        w.WriteNull("post_processor");

        w.WriteStartObject("decoder");
        w.WriteString("type", "Sequence");
        w.WriteStartArray("decoders");
        w.WriteStartObject();
        w.WriteString("type", "Replace");
        w.WriteStartObject("pattern");
        w.WriteString("String", SpaceMarker);
        w.WriteEndObject();
        w.WriteString("content", " ");
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "ByteFallback");
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "Fuse");
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "Strip");
        w.WriteString("content", " ");
        w.WriteNumber("start", 1);
        w.WriteNumber("stop", 0);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("model");
        w.WriteString("type", "BPE");
        w.WriteNull("dropout");
        w.WriteString("unk_token", "<unk>");
        w.WriteNull("continuing_subword_prefix");
        w.WriteNull("end_of_word_suffix");
        w.WriteBoolean("fuse_unk", true);
        w.WriteBoolean("byte_fallback", true);
        w.WriteStartObject("vocab");
        for (int id = 0; id < vocabulary.Pieces.Count; id++)
        {
            w.WriteNumber(vocabulary.Pieces[id], id);
        }

        w.WriteEndObject();
        w.WriteStartArray("merges");
        foreach (var (left, right) in vocabulary.Merges)
        {
            w.WriteStringValue(vocabulary.Pieces[left] + " " + vocabulary.Pieces[right]);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteTokenizerConfig(Utf8JsonWriter w, int contextLength)
    {
        w.WriteStartObject();
        w.WriteBoolean("add_bos_token", false);
        w.WriteBoolean("add_eos_token", false);
        w.WriteStartObject("added_tokens_decoder");
        foreach (var (content, id, rightStrip) in AllAddedTokens())
        {
            w.WriteStartObject(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("content", content);
            w.WriteBoolean("lstrip", false);
            w.WriteBoolean("normalized", false);
            w.WriteBoolean("rstrip", rightStrip);
            w.WriteBoolean("single_word", false);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteString("bos_token", "<s>");
        w.WriteString("chat_template", ChatTemplate);
        w.WriteBoolean("clean_up_tokenization_spaces", false);
        w.WriteString("eos_token", "<|endoftext|>");
        w.WriteBoolean("legacy", false);
        w.WriteNumber("model_max_length", contextLength);
        w.WriteString("pad_token", "<|endoftext|>");
        w.WriteString("padding_side", "left");
        w.WriteStartObject("sp_model_kwargs");
        w.WriteEndObject();
        w.WriteString("tokenizer_class", "LlamaTokenizer");
        w.WriteString("unk_token", "<unk>");
        w.WriteBoolean("use_default_system_prompt", false);
        w.WriteEndObject();
    }

    private static void WriteSpecialTokensMap(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        WriteToken(w, "bos_token", "<s>");
        WriteToken(w, "eos_token", "<|endoftext|>");
        WriteToken(w, "pad_token", "<|endoftext|>");
        WriteToken(w, "unk_token", "<unk>");
        w.WriteEndObject();

        static void WriteToken(Utf8JsonWriter w, string name, string content)
        {
            w.WriteStartObject(name);
            w.WriteString("content", content);
            w.WriteBoolean("lstrip", false);
            w.WriteBoolean("normalized", false);
            w.WriteBoolean("rstrip", false);
            w.WriteBoolean("single_word", false);
            w.WriteEndObject();
        }
    }

    private static void WriteAddedTokens(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        foreach (var token in Phi3SpecialToken.Added)
        {
            w.WriteNumber(token.Content, token.Id);
        }

        w.WriteEndObject();
    }
}
