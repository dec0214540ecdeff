using System.Text.Json.Nodes;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.Phi3;

public class GenAIConfigWriterTests
{
    // genai_config.json of Phi-3-mini-128k-instruct-onnx, cpu-int4-rtn-block-32-acc-level-4 (see shared/notes/phi3-facts.md).
    private const string RealConfig = """
        {"model":{"bos_token_id":1,"context_length":131072,
         "decoder":{"session_options":{"log_id":"onnxruntime-genai","provider_options":[]},
          "filename":"phi3-mini-128k-instruct-cpu-int4-rtn-block-32-acc-level-4.onnx",
          "head_size":96,"hidden_size":3072,
          "inputs":{"input_ids":"input_ids","attention_mask":"attention_mask",
           "past_key_names":"past_key_values.%d.key","past_value_names":"past_key_values.%d.value"},
          "outputs":{"logits":"logits","present_key_names":"present.%d.key","present_value_names":"present.%d.value"},
          "num_attention_heads":32,"num_hidden_layers":32,"num_key_value_heads":32},
         "eos_token_id":[32000,32001,32007],"pad_token_id":32000,"type":"phi3","vocab_size":32064},
         "search":{"diversity_penalty":0.0,"do_sample":false,"early_stopping":true,"length_penalty":1.0,
          "max_length":131072,"min_length":0,"no_repeat_ngram_size":0,"num_beams":1,"num_return_sequences":1,
          "past_present_share_buffer":true,"repetition_penalty":1.0,"temperature":1.0,"top_k":1,"top_p":1.0}}
        """;

    private static readonly string[] s_dimensionPaths =
    [
        "model.context_length", "model.decoder.head_size", "model.decoder.hidden_size",
        "model.decoder.num_attention_heads", "model.decoder.num_hidden_layers", "model.decoder.num_key_value_heads",
        "search.max_length",
    ];

    [Fact]
    public void Create_MiniInt4_EqualsRealConfigExceptFileName()
    {
        var ours = JsonNode.Parse(GenAIConfigWriter.Create(SyntheticModelPresets.MiniInt4, "model.onnx"))!;
        var differences = Differences(JsonNode.Parse(RealConfig)!, ours, string.Empty);
        Assert.Equal(["model.decoder.filename"], differences);
    }

    [Fact]
    public void Create_Tiny_DiffersOnlyInDimensionsFileNameAndContext()
    {
        var ours = JsonNode.Parse(GenAIConfigWriter.Create(SyntheticModelPresets.Tiny, "model.onnx"))!;
        var differences = Differences(JsonNode.Parse(RealConfig)!, ours, string.Empty);
        Assert.All(differences, path => Assert.Contains(path, s_dimensionPaths.Append("model.decoder.filename")));
        Assert.Equal(4096, (int)ours["search"]!["max_length"]!);
        Assert.Equal(4096, (int)ours["model"]!["context_length"]!);
        Assert.Equal(32, (int)ours["model"]!["decoder"]!["head_size"]!);
        Assert.Equal(2, (int)ours["model"]!["decoder"]!["num_hidden_layers"]!);
    }

    [Fact]
    public void Create_KeysAppearInTheRealFilesOrder()
    {
        var ours = JsonNode.Parse(GenAIConfigWriter.Create(SyntheticModelPresets.Tiny, "x.onnx"))!.AsObject();
        var real = JsonNode.Parse(RealConfig)!.AsObject();
        Assert.Equal(real["model"]!.AsObject().Select(p => p.Key), ours["model"]!.AsObject().Select(p => p.Key));
        Assert.Equal(real["search"]!.AsObject().Select(p => p.Key), ours["search"]!.AsObject().Select(p => p.Key));
    }

    /// <summary>Paths whose values differ, including keys present on one side only.</summary>
    private static List<string> Differences(JsonNode expected, JsonNode actual, string path)
    {
        var result = new List<string>();
        if (expected is JsonObject expectedObject && actual is JsonObject actualObject)
        {
            foreach (var key in expectedObject.Select(p => p.Key).Union(actualObject.Select(p => p.Key)))
            {
                string child = path.Length == 0 ? key : $"{path}.{key}";
                if (!expectedObject.ContainsKey(key) || !actualObject.ContainsKey(key))
                {
                    result.Add(child);
                }
                else
                {
                    result.AddRange(Differences(expectedObject[key]!, actualObject[key]!, child));
                }
            }
        }
        else if (expected is JsonValue expectedValue && actual is JsonValue actualValue
                 && expectedValue.TryGetValue(out double a) && actualValue.TryGetValue(out double b))
        {
            if (a != b)
            {
                result.Add(path);
            }
        }
        else if (!JsonNode.DeepEquals(expected, actual))
        {
            result.Add(path);
        }

        return result;
    }
}
