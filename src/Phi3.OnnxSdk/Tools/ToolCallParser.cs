using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>Parses a generated assistant turn in <see cref="ToolCallFormat"/> into <see cref="FunctionCallContent"/>s.</summary>
internal static class ToolCallParser
{
    /// <summary>Whether <paramref name="text"/> (after leading whitespace) starts with the call marker.</summary>
    public static bool StartsWithCallMarker(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().TrimStart().StartsWith(ToolCallFormat.CallMarker, StringComparison.Ordinal);
    }

    /// <summary>
    /// Parses <c>&lt;tool_call&gt;[{"name": ..., "arguments": {...}}, ...]</c>. Each call gets a fresh call id; arguments
    /// are <see cref="JsonElement"/> values, as <see cref="AIFunction"/> binding expects.
    /// </summary>
    /// <param name="text">The generated text.</param>
    /// <param name="toolNames">The names a call may use.</param>
    /// <param name="calls">The calls, when the text is a complete, well-formed call turn.</param>
    /// <param name="checkArguments">
    /// Checks a call's arguments (tool name, arguments object) and returns the violations; a call with violations is
    /// still returned, with <see cref="FunctionCallContent.Exception"/> describing them, as Microsoft.Extensions.AI's
    /// clients do for arguments they cannot map. <see langword="null"/> checks nothing.
    /// </param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a complete call turn naming only known tools.</returns>
    public static bool TryParse(string text, IReadOnlyCollection<string> toolNames, out IReadOnlyList<FunctionCallContent> calls, Func<string, JsonElement, IReadOnlyList<string>>? checkArguments = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(toolNames);
        calls = [];
        string trimmed = text.Trim();
        if (!trimmed.StartsWith(ToolCallFormat.CallMarker, StringComparison.Ordinal))
        {
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(trimmed[ToolCallFormat.CallMarker.Length..]);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() == 0)
            {
                return false;
            }

            var result = new List<FunctionCallContent>();
            foreach (var item in root.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                    || name.GetString() is not { } toolName || !toolNames.Contains(toolName))
                {
                    return false;
                }

                var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
                IReadOnlyList<string> violations = [];
                if (item.TryGetProperty("arguments", out var args))
                {
                    if (args.ValueKind != JsonValueKind.Object)
                    {
                        return false;
                    }

                    foreach (var property in args.EnumerateObject())
                    {
                        arguments[property.Name] = property.Value.Clone();
                    }

                    violations = checkArguments?.Invoke(toolName, args) ?? [];
                }

                result.Add(new FunctionCallContent(NewCallId(), toolName, arguments)
                {
                    Exception = violations.Count == 0
                        ? null
                        : new InvalidOperationException($"The arguments of the call to '{toolName}' do not match its parameter schema: {string.Join("; ", violations)}."),
                });
            }

            calls = result;
            return true;
        }
    }

    /// <summary>A fresh call id, e.g. <c>call_3f9a0c1b2d4e</c>.</summary>
    public static string NewCallId() => "call_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
