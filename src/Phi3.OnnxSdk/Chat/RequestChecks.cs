namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Checks at the call what onnxruntime-genai would refuse only while the answer is enumerated (as an
/// <c>OnnxRuntimeGenAIException</c> from creating the generator): integer search options beyond 32 bits, a top-k above
/// the model's vocabulary, and regex or Lark guidance that does not compile. Stateless and thread-safe.
/// </summary>
internal static class RequestChecks
{
    /// <summary>The name the exceptions give the offending argument: the request's options.</summary>
    private const string OptionsParameter = "options";

    private static readonly string[] s_integerOptions = ["top_k", "no_repeat_ngram_size", "random_seed"];

    /// <summary>Checks <paramref name="settings"/> against <paramref name="model"/>; the caller holds a lease on it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of the range onnxruntime-genai takes.</exception>
    /// <exception cref="ArgumentException">The request's regex or Lark guidance does not compile.</exception>
    public static void Check(GenerationSettings settings, Phi3Model model, Tools.ToolCallingPlan tools)
    {
        foreach (string key in s_integerOptions)
        {
            if (settings.SearchNumbers.TryGetValue(key, out double value) && value > int.MaxValue)
            {
                throw OutOfRange(value, $"{key} must be at most {int.MaxValue} (onnxruntime-genai takes a 32-bit integer).");
            }
        }

        if (settings.SearchNumbers.TryGetValue("top_k", out double topK) && model.VocabularySize is int vocabulary && topK > vocabulary)
        {
            throw OutOfRange(topK, $"TopK is {topK}, but the model has {vocabulary} tokens: use a value from 1 to {vocabulary}.");
        }

        // Tool and JSON-format guidance is checked by the tool plan, which can name the schema at fault.
        if (settings.GuidanceType is { } type && settings.GuidanceData is { } data && data != tools.Guidance?.Data
            && Runtime.GuidanceCompiler.TryCompile(model.NativeModel, type, data) is { } failure)
        {
            string source = type switch
            {
                "regex" => $"The regex of AdditionalProperties[\"{Phi3ChatOptionKeys.RegexGuidance}\"]",
                "lark_grammar" => $"The Lark grammar of AdditionalProperties[\"{Phi3ChatOptionKeys.LarkGrammarGuidance}\"]",
                _ => $"The {type} guidance",
            };
            throw Invalid($"{source} does not compile for constrained decoding: {failure.Message.Trim()} Fix it.", failure);
        }
    }

    private static ArgumentOutOfRangeException OutOfRange(double value, string message, string parameter = OptionsParameter) => new(parameter, value, message);

    private static ArgumentException Invalid(string message, Exception inner, string parameter = OptionsParameter) => new(message, parameter, inner);
}
