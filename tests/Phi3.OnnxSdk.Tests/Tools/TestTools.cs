using System.Text.Json;
using Json.Schema;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Tools;

/// <summary>Tools with bounded schemas (so random weights finish), and a JSON Schema check.</summary>
internal static class TestTools
{
    public const string WeatherSchema = """
        {"type":"object","properties":{"city":{"type":"string","maxLength":12},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"]}
        """;

    public const string AddSchema = """
        {"type":"object","properties":{"a":{"type":"integer","minimum":0,"maximum":999},"b":{"type":"integer","minimum":-50,"maximum":50},"exact":{"type":"boolean"}},"required":["a","b"]}
        """;

    public static AIFunctionDeclaration Weather { get; } = Declare("get_weather", "Gets the current weather in a city.", WeatherSchema);

    public static AIFunctionDeclaration Add { get; } = Declare("add", "Adds two integers.", AddSchema);

    public static AIFunctionDeclaration Declare(string name, string description, string schema) =>
        AIFunctionFactory.CreateDeclaration(name, description, JsonDocument.Parse(schema).RootElement.Clone());

    public static IReadOnlyList<string> Prompts { get; } =
    [
        "What is the weather in Paris?",
        "Add 2 and 3.",
        "Hi",
        "Tell me about the sea, and also check the weather in Oslo in fahrenheit.",
    ];

    /// <summary>Asserts <paramref name="instance"/> is valid for <paramref name="schema"/>, listing the errors if not.</summary>
    public static void AssertValid(string schema, JsonElement instance)
    {
        var evaluation = JsonSchema.FromText(schema).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = evaluation.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? [];
        Assert.True(evaluation.IsValid, $"{instance.GetRawText()} does not match {schema}: {string.Join("; ", errors)}");
    }

    /// <summary>Whether <paramref name="instance"/> is valid for <paramref name="schema"/> by JsonSchema.Net, formats asserted.</summary>
    public static bool IsValid(string schema, JsonElement instance) =>
        JsonSchema.FromText(schema).Evaluate(instance, new EvaluationOptions { RequireFormatValidation = true }).IsValid;

    public static JsonElement ToJson(IDictionary<string, object?>? arguments) =>
        JsonSerializer.SerializeToElement(arguments, AIJsonUtilities.DefaultOptions);
}
