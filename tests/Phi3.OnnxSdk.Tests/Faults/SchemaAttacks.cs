using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// Schemas that refer to themselves or grow exponentially (run in a child process by <see cref="SchemaFaultTests"/>,
/// each attack bounded in time, so a hang fails the test instead of the run): every check ends within seconds with a
/// result or a clear <see cref="ArgumentException"/>.
/// </summary>
public sealed class SchemaAttacks
{
    private static readonly TimeSpan s_fast = TimeSpan.FromSeconds(3);
    private static readonly Lazy<Phi3Model> s_model = new(() => new Phi3Model(TestModelCache.GetOrBuild("tiny")));

    private SchemaAttacks()
    {
    }

    /// <summary>Schemas that apply themselves to the same value: checking against them never ended (or took 2^64 steps).</summary>
    internal static IReadOnlyList<string> SelfReferencing { get; } =
    [
        """{"$ref":"#"}""",
        """{"type":"object","allOf":[{"$ref":"#"},{"$ref":"#"}]}""",
        """{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"anyOf":[{"$ref":"#/$defs/a"}]}},"type":"object","properties":{"x":{"$ref":"#/$defs/a"}}}""",
        """{"type":"object","not":{"if":{"$ref":"#"}}}""",
    ];

    /// <summary>No cycle, but 2^40 paths through the references.</summary>
    internal static string Exponential { get; } = BuildExponential(40, new JsonObject { ["type"] = "object" });

    /// <summary>
    /// <see cref="Exponential"/> whose end is an object with no properties (the grammar allows only <c>{}</c>, so the
    /// answer finishes) and a <c>not</c> (relaxed in the grammar, so the answer is checked after generation).
    /// </summary>
    internal static string ExponentialClosedObject { get; } = BuildExponential(40, new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject(),
        ["additionalProperties"] = false,
        ["not"] = new JsonObject { ["type"] = "string" },
    });

    [Attack(TimeoutSeconds = 30)]
    public static void ValidatorSelfReferencingSchemasRefusedFast()
    {
        using var instance = JsonDocument.Parse("""{"x":{"y":1}}""");
        foreach (string schema in SelfReferencing)
        {
            var clock = Stopwatch.StartNew();
            var ex = Assert.Throws<ArgumentException>(() => JsonSchemaValidator.Validate(JsonNode.Parse(schema)!, instance.RootElement));
            Assert.Contains("refers to itself", ex.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < s_fast, $"{schema}: {clock.Elapsed}");
        }
    }

    [Attack(TimeoutSeconds = 30)]
    public static void ValidatorExponentialSchemaEndsTooComplex()
    {
        using var instance = JsonDocument.Parse("{}");
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<ArgumentException>(() => JsonSchemaValidator.Validate(JsonNode.Parse(Exponential)!, instance.RootElement));
        Assert.Contains("too complex", ex.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < s_fast, clock.Elapsed.ToString());
    }

    /// <summary>A legitimately recursive schema (a tree) nested deep is checked, with a verdict, quickly.</summary>
    [Attack(TimeoutSeconds = 30)]
    public static void ValidatorDeepRecursiveTreeChecked()
    {
        var tree = JsonNode.Parse("""{"type":"object","properties":{"c":{"$ref":"#"},"n":{"type":"integer"}},"additionalProperties":false}""")!;
        var json = new StringBuilder();
        for (int i = 0; i < 60; i++)
        {
            json.Append("{\"c\":");
        }

        json.Append("{\"n\":\"not a number\"}").Append('}', 60);
        using var instance = JsonDocument.Parse(json.ToString());
        var clock = Stopwatch.StartNew();
        var errors = JsonSchemaValidator.Validate(tree, instance.RootElement);
        Assert.Single(errors);
        Assert.EndsWith("/n: does not satisfy \"type\":\"integer\"", errors[0], StringComparison.Ordinal);
        Assert.True(clock.Elapsed < s_fast, clock.Elapsed.ToString());
    }

    /// <summary>
    /// Through the client: guidance compiles the exponential response format, the model writes the only object it
    /// allows (<c>{}</c>, then the end), and the answer check (run because of the relaxed <c>not</c>) ends "too complex".
    /// </summary>
    [Attack(TimeoutSeconds = 60)]
    public static async Task ClientExponentialResponseFormatEnds()
    {
        using var client = new Phi3ChatClient(s_model.Value);
        using var schema = JsonDocument.Parse(ExponentialClosedObject);
        var options = new ChatOptions { MaxOutputTokens = 64, ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "deep") };

        var clock = Stopwatch.StartNew();
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Answer.")], options);

        Assert.True(response.FinishReason == ChatFinishReason.Stop, $"the answer was cut off ({response.FinishReason}), so the check did not run: '{response.Text}'");
        var violations = Assert.IsType<string>(response.AdditionalProperties?[Phi3ChatResponseKeys.ResponseFormatViolations]);
        Assert.Contains("too complex", violations, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), clock.Elapsed.ToString());
    }

    /// <summary>A self-referencing response format is refused at the call, naming the cycle.</summary>
    [Attack(TimeoutSeconds = 60)]
    public static void ClientSelfReferencingResponseFormatRefusedAtTheCall()
    {
        using var client = new Phi3ChatClient(s_model.Value);
        foreach (string text in SelfReferencing)
        {
            using var schema = JsonDocument.Parse(text);
            var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "loop") };
            var ex = Assert.ThrowsAny<ArgumentException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Answer.")], options));
            Assert.Contains("refers to itself", ex.Message, StringComparison.Ordinal);
        }
    }

    private static string BuildExponential(int levels, JsonObject end)
    {
        var defs = new JsonObject();
        for (int i = 0; i < levels; i++)
        {
            string next = $"#/$defs/d{i + 1}";
            defs[$"d{i}"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = next }, new JsonObject { ["$ref"] = next }) };
        }

        defs[$"d{levels}"] = end;
        return new JsonObject { ["$defs"] = defs, ["$ref"] = "#/$defs/d0" }.ToJsonString();
    }
}
