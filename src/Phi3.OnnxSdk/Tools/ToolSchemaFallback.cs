namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// How much of a tool's argument schema the grammar enforces. A schema starts at <see cref="Full"/>; when guidance
/// cannot compile it, <see cref="ToolGuidanceValidator"/> steps it down until it compiles, for that tool alone.
/// </summary>
internal enum ToolSchemaFallback
{
    /// <summary>Everything LLGuidance can enforce (only the keywords it cannot are relaxed, see <see cref="SchemaRelaxer"/>).</summary>
    Full,

    /// <summary>As <see cref="Full"/>, without any <c>pattern</c> (a pattern guidance's regex engine cannot compile).</summary>
    WithoutPatterns,

    /// <summary>Any JSON object: the schema is only shown to the model and checked after parsing.</summary>
    AnyObject,
}
