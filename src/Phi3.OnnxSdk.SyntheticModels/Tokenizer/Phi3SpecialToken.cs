namespace Phi3.OnnxSdk.SyntheticModels.Tokenizer;

/// <summary>A Phi-3 added token: its text, id, and whether it swallows the whitespace after it.</summary>
/// <param name="Content">The token text, for example <c>&lt;|user|&gt;</c>.</param>
/// <param name="Id">The token id.</param>
/// <param name="RightStrip">Whether whitespace that follows the token is absorbed (<c>rstrip</c>).</param>
public sealed record Phi3SpecialToken(string Content, int Id, bool RightStrip)
{
    /// <summary>Gets the 11 tokens Phi-3 adds to the Llama-2 vocabulary, at their real ids.</summary>
    public static IReadOnlyList<Phi3SpecialToken> Added { get; } =
    [
        new("<|endoftext|>", 32000, false),
        new("<|assistant|>", 32001, true),
        new("<|placeholder1|>", 32002, true),
        new("<|placeholder2|>", 32003, true),
        new("<|placeholder3|>", 32004, true),
        new("<|placeholder4|>", 32005, true),
        new("<|system|>", 32006, true),
        new("<|end|>", 32007, true),
        new("<|placeholder5|>", 32008, true),
        new("<|placeholder6|>", 32009, true),
        new("<|user|>", 32010, true),
    ];
}
