using System.Text.Json;

namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// Writes genai_config.json exactly as the real Phi-3-mini cpu-int4 variant has it, field for
/// field and in the same order, with this model's dimensions, file name and context length. A
/// vision model gets the <c>phi3v</c> layout instead (the decoder takes <c>inputs_embeds</c>;
/// <c>embedding</c> and <c>vision</c> sections name the other two graphs), as onnxruntime-genai's
/// phi3v test model and the Phi-3-vision ONNX folders have it (docs/vision.md).
/// </summary>
internal static class GenAIConfigWriter
{
    public static byte[] Create(SyntheticModelOptions options, string onnxFileName)
    {
        bool vision = options.Vision is not null;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("model");
            w.WriteNumber("bos_token_id", 1);
            w.WriteNumber("context_length", options.ContextLength);
            w.WriteStartObject("decoder");
            w.WriteStartObject("session_options");
            w.WriteString("log_id", "onnxruntime-genai");
            w.WriteStartArray("provider_options");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteString("filename", onnxFileName);
            w.WriteNumber("head_size", options.HeadSize);
            w.WriteNumber("hidden_size", options.HiddenSize);
            w.WriteStartObject("inputs");
            w.WriteString(vision ? "inputs_embeds" : "input_ids", vision ? "inputs_embeds" : "input_ids");
            w.WriteString("attention_mask", "attention_mask");
            w.WriteString("past_key_names", "past_key_values.%d.key");
            w.WriteString("past_value_names", "past_key_values.%d.value");
            w.WriteEndObject();
            w.WriteStartObject("outputs");
            w.WriteString("logits", "logits");
            w.WriteString("present_key_names", "present.%d.key");
            w.WriteString("present_value_names", "present.%d.value");
            w.WriteEndObject();
            w.WriteNumber("num_attention_heads", options.NumHeads);
            w.WriteNumber("num_hidden_layers", options.Layers);
            w.WriteNumber("num_key_value_heads", options.NumKeyValueHeads);
            w.WriteEndObject();
            if (vision)
            {
                WriteVisionSections(w);
                w.WriteNumber("eos_token_id", 32007);
            }
            else
            {
                w.WriteStartArray("eos_token_id");
                w.WriteNumberValue(32000);
                w.WriteNumberValue(32001);
                w.WriteNumberValue(32007);
                w.WriteEndArray();
            }

            w.WriteNumber("pad_token_id", 32000);
            w.WriteString("type", vision ? "phi3v" : "phi3");
            w.WriteNumber("vocab_size", SyntheticModelOptions.Phi3VocabSize);
            w.WriteEndObject();
            w.WriteStartObject("search");
            w.WriteNumber("diversity_penalty", 0.0);
            w.WriteBoolean("do_sample", false);
            w.WriteBoolean("early_stopping", true);
            w.WriteNumber("length_penalty", 1.0);
            w.WriteNumber("max_length", options.ContextLength);
            w.WriteNumber("min_length", 0);
            w.WriteNumber("no_repeat_ngram_size", 0);
            w.WriteNumber("num_beams", 1);
            w.WriteNumber("num_return_sequences", 1);
            w.WriteBoolean("past_present_share_buffer", true);
            w.WriteNumber("repetition_penalty", 1.0);
            w.WriteNumber("temperature", 1.0);
            w.WriteNumber("top_k", 1);
            w.WriteNumber("top_p", 1.0);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void WriteVisionSections(Utf8JsonWriter w)
    {
        WriteGraphSection(w, "embedding", SyntheticModelBuilder.EmbeddingFileName, ["input_ids", "image_features"], ["inputs_embeds"]);
        WriteGraphSection(w, "vision", SyntheticModelBuilder.VisionFileName, ["pixel_values", "image_sizes"], ["image_features"]);
    }

    /// <summary>A graph section of phi3v: its file and its input and output names (each mapped to itself).</summary>
    private static void WriteGraphSection(Utf8JsonWriter w, string section, string fileName, string[] inputs, string[] outputs)
    {
        w.WriteStartObject(section);
        w.WriteString("filename", fileName);
        foreach ((string key, string[] names) in new[] { ("inputs", inputs), ("outputs", outputs) })
        {
            w.WriteStartObject(key);
            foreach (string name in names)
            {
                w.WriteString(name, name);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
