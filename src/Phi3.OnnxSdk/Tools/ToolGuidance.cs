namespace Phi3.OnnxSdk.Tools;

/// <summary>A guidance constraint for <c>GeneratorParams.SetGuidance(Type, Data, false)</c>.</summary>
/// <param name="Type"><c>json_schema</c>, <c>regex</c> or <c>lark_grammar</c>.</param>
/// <param name="Data">The schema or grammar text.</param>
internal sealed record ToolGuidance(string Type, string Data)
{
    /// <summary>The guidance type of a JSON schema.</summary>
    public const string JsonSchemaType = "json_schema";

    /// <summary>The guidance type of an llguidance Lark grammar.</summary>
    public const string LarkGrammarType = "lark_grammar";
}
