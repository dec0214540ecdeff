using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Finds a schema that applies itself to the same JSON value again (<c>{"$ref": "#"}</c>, an <c>allOf</c> whose branch
/// refers back to it, ...): checking a value against it never ends. A reference that first steps into a property or an
/// item (a recursive tree) is fine and not reported. Thread-safe: each call uses its own state.
/// </summary>
internal static class SchemaCycleFinder
{
    /// <summary>Returns the JSON pointer of a schema on such a cycle, or <see langword="null"/> when there is none.</summary>
    /// <param name="root">The whole schema document (local <c>$ref</c>s resolve against it).</param>
    public static string? Find(JsonNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var pointers = new Dictionary<JsonNode, string>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(JsonNode Node, string Pointer)>();
        pending.Push((root, "#"));

        // Every schema reachable from the root, with where it sits.
        while (pending.TryPop(out var next))
        {
            if (next.Node is JsonObject && pointers.TryAdd(next.Node, next.Pointer))
            {
                foreach (var (child, pointer, _) in SubSchemas(root, (JsonObject)next.Node, next.Pointer))
                {
                    pending.Push((child, pointer));
                }
            }
        }

        // A cycle among the edges that keep the same value (a depth-first search with an explicit stack).
        var state = new Dictionary<JsonNode, bool>(ReferenceEqualityComparer.Instance); // false: on the path, true: done
        foreach (var start in pointers.Keys)
        {
            if (state.ContainsKey(start))
            {
                continue;
            }

            var path = new Stack<(JsonNode Node, IEnumerator<JsonNode> Children)>();
            state[start] = false;
            path.Push((start, SameValueChildren(root, start, pointers[start]).GetEnumerator()));
            while (path.TryPeek(out var top))
            {
                var children = top.Children;
                if (!children.MoveNext())
                {
                    path.Pop();
                    children.Dispose();
                    state[top.Node] = true;
                    continue;
                }

                var child = children.Current;
                if (!state.TryGetValue(child, out bool done))
                {
                    state[child] = false;
                    path.Push((child, SameValueChildren(root, child, pointers.GetValueOrDefault(child, "#")).GetEnumerator()));
                }
                else if (!done)
                {
                    return pointers.GetValueOrDefault(child, "#");
                }
            }
        }

        return null;
    }

    private static IEnumerable<JsonNode> SameValueChildren(JsonNode root, JsonNode node, string pointer) =>
        node is JsonObject schema ? SubSchemas(root, schema, pointer).Where(s => s.SameValue).Select(s => s.Node) : [];

    /// <summary>The subschemas of <paramref name="schema"/>, and whether each applies to the same value (not a property or item of it).</summary>
    private static IEnumerable<(JsonNode Node, string Pointer, bool SameValue)> SubSchemas(JsonNode root, JsonObject schema, string pointer)
    {
        foreach (var (key, value) in schema)
        {
            string at = pointer + "/" + Escape(key);
            switch (key)
            {
                case "$ref" when value?.GetValueKind() == JsonValueKind.String && Resolve(root, value.GetValue<string>()) is { } target:
                    yield return (target, value.GetValue<string>(), true);
                    break;
                case "allOf" or "anyOf" or "oneOf" when value is JsonArray list:
                    for (int i = 0; i < list.Count; i++)
                    {
                        if (list[i] is JsonObject branch)
                        {
                            yield return (branch, at + "/" + i.ToString(CultureInfo.InvariantCulture), true);
                        }
                    }

                    break;
                case "not" or "if" or "then" or "else" when value is JsonObject inPlace:
                    yield return (inPlace, at, true);
                    break;
                case "dependentSchemas" or "dependencies" or "properties" or "patternProperties" or "$defs" or "definitions" when value is JsonObject map:
                    bool same = key is "dependentSchemas" or "dependencies";
                    foreach (var (name, child) in map)
                    {
                        if (child is JsonObject)
                        {
                            yield return (child, at + "/" + Escape(name), same);
                        }
                    }

                    break;
                case "items" or "prefixItems" when value is JsonArray tuple:
                    for (int i = 0; i < tuple.Count; i++)
                    {
                        if (tuple[i] is JsonObject item)
                        {
                            yield return (item, at + "/" + i.ToString(CultureInfo.InvariantCulture), false);
                        }
                    }

                    break;
                case "items" or "additionalItems" or "additionalProperties" or "propertyNames" or "contains" or "unevaluatedItems" or "unevaluatedProperties" when value is JsonObject inner:
                    yield return (inner, at, false);
                    break;
            }
        }
    }

    /// <summary>Resolves a local reference (<c>#</c>, <c>#/$defs/a</c>); <see langword="null"/> for anything else.</summary>
    internal static JsonNode? Resolve(JsonNode root, string reference)
    {
        if (reference is not ['#', .. var pointer])
        {
            return null;
        }

        JsonNode? node = root;
        foreach (string raw in Uri.UnescapeDataString(pointer).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < array.Count => array[index],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
