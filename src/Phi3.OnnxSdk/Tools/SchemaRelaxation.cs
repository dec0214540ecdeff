using System.Text;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// One JSON Schema keyword that the grammar does not enforce: it is left out of the guidance (or, for
/// <c>oneOf</c> and <c>contentEncoding</c>, enforced more loosely), described to the model, and checked after parsing.
/// </summary>
/// <param name="Owner">The tool name, or <see langword="null"/> for the response-format schema.</param>
/// <param name="Location">The JSON Pointer of the schema object holding the keyword, e.g. <c>/properties/url</c> (empty for the root).</param>
/// <param name="Keyword">The keyword, e.g. <c>format</c>; <c>*</c> when the whole schema is not enforced.</param>
/// <param name="Value">The keyword's value as compact JSON.</param>
internal sealed record SchemaRelaxation(string? Owner, string Location, string Keyword, string Value)
{
    /// <summary>The keyword of a relaxation that covers a whole schema (<see cref="ToolSchemaFallback.AnyObject"/>).</summary>
    public const string WholeSchema = "*";

    /// <summary>A short text for the prompt, e.g. <c>url: "format":"uri"</c>.</summary>
    public string Describe() => Keyword == WholeSchema
        ? "the whole parameter schema above"
        : $"{DisplayPath(Location)}: \"{Keyword}\":{Value}";

    /// <summary>
    /// Names the instance place a schema pointer constrains: property names joined by dots, <c>[]</c> for array items,
    /// <c>.*</c> for map values; other schema keywords are kept, e.g. <c>/properties/a/items/properties/b</c> is <c>a[].b</c>.
    /// </summary>
    internal static string DisplayPath(string pointer)
    {
        var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        var text = new StringBuilder();
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            if (segment is "properties" && i + 1 < segments.Length)
            {
                text.Append(text.Length == 0 ? string.Empty : ".").Append(segments[++i]);
            }
            else if (segment is "items" or "additionalItems")
            {
                text.Append("[]");
            }
            else if (segment is "prefixItems" && i + 1 < segments.Length)
            {
                text.Append('[').Append(segments[++i]).Append(']');
            }
            else if (segment is "additionalProperties")
            {
                text.Append(".*");
            }
            else
            {
                text.Append(text.Length == 0 ? string.Empty : "/").Append(segment);
            }
        }

        return text.Length == 0 ? "(the arguments)" : text.ToString();
    }
}
