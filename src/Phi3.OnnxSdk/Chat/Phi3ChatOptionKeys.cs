namespace Phi3.OnnxSdk;

/// <summary>
/// Keys of model-specific settings in <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/>, each
/// with the value type it takes. Values may be given as that type, another numeric type, a string or a
/// <see cref="System.Text.Json.JsonElement"/>; a value that does not convert gives an <see cref="ArgumentException"/>.
/// Keys not listed here are ignored.
/// </summary>
public static class Phi3ChatOptionKeys
{
    /// <summary>
    /// onnxruntime-genai's <c>repetition_penalty</c> (<see cref="double"/>, greater than 0; 1 is none, above 1 discourages
    /// repeated tokens). This is what onnxruntime-genai offers instead of <c>FrequencyPenalty</c>/<c>PresencePenalty</c>.
    /// </summary>
    public const string RepetitionPenalty = "repetition_penalty";

    /// <summary>onnxruntime-genai's <c>no_repeat_ngram_size</c> (<see cref="int"/>, 0 or more): n-grams of this size are never repeated.</summary>
    public const string NoRepeatNgramSize = "no_repeat_ngram_size";

    /// <summary>onnxruntime-genai's <c>do_sample</c> (<see cref="bool"/>): forces sampling on or off, overriding what the other options imply.</summary>
    public const string DoSample = "do_sample";

    /// <summary>A regular expression (<see cref="string"/>) the output must match, enforced by guidance (constrained decoding).</summary>
    public const string RegexGuidance = "phi3.guidance.regex";

    /// <summary>A Lark grammar (<see cref="string"/>) the output must follow, enforced by guidance (constrained decoding).</summary>
    public const string LarkGrammarGuidance = "phi3.guidance.lark_grammar";
}
