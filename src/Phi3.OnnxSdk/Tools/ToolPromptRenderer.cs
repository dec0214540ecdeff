using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>Renders tools, tool calls, tool results and JSON response formats as Phi-3 prompt text.</summary>
internal static class ToolPromptRenderer
{
    /// <summary>Describes the tools and the call format for the system prompt.</summary>
    /// <param name="tools">The tools the model may call (already narrowed for <see cref="ChatToolMode.RequireSpecific"/>).</param>
    /// <param name="mode">The tool mode; <see langword="null"/> means <see cref="ChatToolMode.Auto"/>.</param>
    /// <param name="maxParallelCalls">The most calls per answer.</param>
    /// <param name="relaxations">Schema keywords of these tools that the grammar does not enforce; they are listed for the model.</param>
    /// <returns>The text, without a trailing newline.</returns>
    public static string RenderToolInstructions(IReadOnlyList<ToolDefinition> tools, ChatToolMode? mode, int maxParallelCalls, IReadOnlyCollection<SchemaRelaxation>? relaxations = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var text = new StringBuilder();
        text.Append("# Tools\nYou can call the following tools. Each line is one tool as JSON: its name, description and the JSON Schema of its arguments.\n");
        foreach (var tool in tools)
        {
            var line = new JsonObject
            {
                ["name"] = tool.Name,
                ["description"] = tool.Description,
                ["parameters"] = tool.Parameters.DeepClone(),
            };
            text.Append(line.ToJsonString()).Append('\n');
        }

        AppendRelaxations(text, relaxations, r => $"{r.Owner}: {r.Describe()}");
        text.Append("\nTo call tools, reply with only ").Append(ToolCallFormat.CallMarker)
            .Append(" followed by a JSON array of calls, for example:\n")
            .Append(ToolCallFormat.CallMarker).Append("[{\"name\":\"tool_name\",\"arguments\":{\"parameter\":\"value\"}}]\n")
            .Append(maxParallelCalls == 1
                ? "Make exactly one call per reply."
                : $"You may make up to {maxParallelCalls.ToString(CultureInfo.InvariantCulture)} calls at once.")
            .Append(" Each result comes back in a ").Append(ToolCallFormat.ResultOpen).Append(" block; use it to answer the user.\n");
        text.Append(mode switch
        {
            RequiredChatToolMode { RequiredFunctionName: { } name } => $"You must call the tool '{name}' now.",
            RequiredChatToolMode => "You must call at least one tool now.",
            _ => "If no tool is needed, answer the user directly in plain text.",
        });
        return text.ToString();
    }

    /// <summary>Asks for JSON matching <paramref name="schema"/> (the SDK's guidance options are left out).</summary>
    /// <param name="schema">The response schema from <see cref="ToolGrammarBuilder.BuildResponseSchema"/>.</param>
    /// <param name="relaxations">Keywords of the schema that the grammar does not enforce; they are listed for the model.</param>
    /// <returns>The text.</returns>
    public static string RenderResponseFormatInstructions(JsonObject schema, IReadOnlyCollection<SchemaRelaxation>? relaxations = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var shown = (JsonObject)schema.DeepClone();
        shown.Remove("x-guidance");
        if (shown.Count == 1 && shown["type"]?.GetValueKind() == JsonValueKind.String)
        {
            return $"Respond with only a JSON {shown["type"]!.GetValue<string>()}.";
        }

        var text = new StringBuilder("Respond with only JSON that matches this JSON Schema:\n").Append(shown.ToJsonString());
        AppendRelaxations(text.Append('\n'), relaxations, r => r.Describe());
        return text.ToString().TrimEnd('\n');
    }

    /// <summary>Lists the constraints the grammar leaves to the model, one per line, after a line that says so.</summary>
    private static void AppendRelaxations(StringBuilder text, IReadOnlyCollection<SchemaRelaxation>? relaxations, Func<SchemaRelaxation, string> describe)
    {
        if (relaxations is not { Count: > 0 })
        {
            return;
        }

        text.Append("These parts of the schemas are not checked while you write, so follow them exactly:\n");
        foreach (var relaxation in relaxations)
        {
            text.Append("- ").Append(describe(relaxation)).Append('\n');
        }
    }

    /// <summary>Renders earlier calls as the assistant wrote them: the marker and the JSON array.</summary>
    /// <param name="calls">The calls, in order.</param>
    /// <returns>The text, e.g. <c>&lt;tool_call&gt;[{"name":"f","arguments":{"x":1}}]</c>.</returns>
    public static string RenderCalls(IEnumerable<FunctionCallContent> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var array = new JsonArray();
        foreach (var call in calls)
        {
            array.Add(new JsonObject
            {
                ["name"] = call.Name,
                ["arguments"] = call.Arguments is null
                    ? new JsonObject()
                    : JsonSerializer.SerializeToNode(call.Arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))),
            });
        }

        return ToolCallFormat.CallMarker + array.ToJsonString();
    }

    /// <summary>Renders tool results for the next user turn, one block per result.</summary>
    /// <param name="results">The results, in order.</param>
    /// <param name="nameOf">Finds the tool name of a call id (from the earlier calls); may return <see langword="null"/>.</param>
    /// <returns>The text, e.g. <c>&lt;tool_response&gt;{"name":"f","result":42}&lt;/tool_response&gt;</c>.</returns>
    public static string RenderResults(IEnumerable<FunctionResultContent> results, Func<string, string?> nameOf)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(nameOf);
        var text = new StringBuilder();
        foreach (var result in results)
        {
            var block = new JsonObject();
            if (nameOf(result.CallId) is { } name)
            {
                block["name"] = name;
            }

            block["result"] = result.Result is null
                ? null
                : JsonSerializer.SerializeToNode(result.Result, AIJsonUtilities.DefaultOptions.GetTypeInfo(result.Result.GetType()));
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(ToolCallFormat.ResultOpen).Append(block.ToJsonString()).Append(ToolCallFormat.ResultClose);
        }

        return text.ToString();
    }
}
