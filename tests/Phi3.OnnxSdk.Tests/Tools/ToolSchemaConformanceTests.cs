using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

/// <summary>
/// Every schema AIFunctionFactory (Microsoft.Extensions.AI 10.11.0) makes for .NET parameter types and DataAnnotations
/// attributes, and MCP-style raw schemas, compiled by guidance on the synthetic model beside another tool.
/// </summary>
[Collection(SyntheticModelGroup.Name)]
public sealed class ToolSchemaConformanceTests(SyntheticModelFixture model)
{
    public enum Color
    {
        Red,
        Green,
    }

    /// <summary>The name of each function, its factory output, and the keywords the grammar must leave out (sorted).</summary>
    private static readonly Dictionary<string, (AIFunction Function, string[] Relaxed)> s_functions = new()
    {
        ["primitives"] = (AIFunctionFactory.Create((int i, long l, double d, float f, decimal m, bool b, string s, char c, byte by, short sh, uint u) => 0, "primitives"), []),
        ["enums_and_nullable"] = (AIFunctionFactory.Create((Color c, Color? nc, int? ni, string? ns, bool? nb) => 0, "enums_and_nullable"), []),
        ["arrays_lists_dictionaries"] = (AIFunctionFactory.Create((int[] a, List<string> l, IReadOnlyList<Point> points, Dictionary<string, int> d, Dictionary<string, Point> dp, string[][] jagged) => 0, "arrays_lists_dictionaries"), []),
        ["nested_records"] = (AIFunctionFactory.Create((Order order, Point? maybe) => 0, "nested_records"), []),
        ["recursive_record"] = (AIFunctionFactory.Create((TreeNode root) => 0, "recursive_record"), []),
        ["dates_and_times"] = (AIFunctionFactory.Create((DateTime dt, DateTimeOffset dto, DateOnly d, TimeOnly t, TimeSpan ts) => 0, "dates_and_times"), []),
        ["guid"] = (AIFunctionFactory.Create((Guid id) => 0, "guid"), []),
        ["uri"] = (AIFunctionFactory.Create((Uri address) => 0, "uri"), ["format"]),
        ["optional_and_described"] = (AIFunctionFactory.Create(([Description("How many.")] int count = 3, string label = "x", Color color = Color.Green) => 0, "optional_and_described"), []),
        ["json_element_and_object"] = (AIFunctionFactory.Create((JsonElement any, object? thing) => 0, "json_element_and_object"), []),
        ["range"] = (AIFunctionFactory.Create(([Range(1, 10)] int r, [Range(0.5, 2.5, MinimumIsExclusive = true, MaximumIsExclusive = true)] double rd, [Range(typeof(DateTime), "2020-01-01", "2030-01-01")] DateTime when) => 0, "range"), []),
        ["lengths"] = (AIFunctionFactory.Create(([Length(2, 5)] string len, [MinLength(1)] string minl, [MaxLength(8)] string maxl, [StringLength(9, MinimumLength = 3)] string sl, [Length(1, 3)] int[] la, [MinLength(1)] List<int> ml) => 0, "lengths"), []),
        ["regular_expression"] = (AIFunctionFactory.Create(([RegularExpression("^[a-z]{2,8}$")] string code) => 0, "regular_expression"), []),
        ["email_address"] = (AIFunctionFactory.Create(([EmailAddress] string email) => 0, "email_address"), []),
        ["url"] = (AIFunctionFactory.Create(([Url] string url) => 0, "url"), ["format"]),
        ["allowed_values"] = (AIFunctionFactory.Create(([AllowedValues("a", "b")] string letter, [AllowedValues(1, 2)] int number) => 0, "allowed_values"), []),
        ["denied_values"] = (AIFunctionFactory.Create(([DeniedValues("x", "y")] string letter, [DeniedValues(0)] int number) => 0, "denied_values"), ["not"]),
        ["base64_string"] = (AIFunctionFactory.Create(([Base64String] string data) => 0, "base64_string"), ["contentEncoding"]),
        ["everything_at_once"] = (AIFunctionFactory.Create(([Url] string url, [DeniedValues("x")] string code, [Base64String] string data, [EmailAddress] string email, Guid id, Order order) => 0, "everything_at_once"), ["contentEncoding", "format", "not"]),
    };

    /// <summary>MCP-style raw schemas: the schema, the keywords the grammar must leave out (sorted), and how far the tool falls back.</summary>
    private static readonly Dictionary<string, (string Schema, string[] Relaxed, ToolSchemaFallback Fallback)> s_raw = new()
    {
        ["mcp_typical"] = ("""{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"path":{"type":"string","description":"A path."},"options":{"type":"object","properties":{"recursive":{"type":"boolean","default":false}}}},"required":["path"],"additionalProperties":false}""", [], ToolSchemaFallback.Full),
        ["ref_defs"] = ("""{"type":"object","properties":{"from":{"$ref":"#/$defs/place"},"to":{"$ref":"#/definitions/place"}},"$defs":{"place":{"type":"object","properties":{"name":{"type":"string"},"kind":{"enum":["home","work"]}},"required":["name"]}},"definitions":{"place":{"$ref":"#/$defs/place"}}}""", [], ToolSchemaFallback.Full),
        ["recursive_ref"] = ("""{"type":"object","properties":{"value":{"type":"integer"},"next":{"$ref":"#"}}}""", [], ToolSchemaFallback.Full),
        ["one_of_disjoint"] = ("""{"type":"object","properties":{"shape":{"oneOf":[{"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"number"}},"required":["kind","r"]},{"type":"object","properties":{"kind":{"const":"square"},"side":{"type":"number"}},"required":["kind","side"]}]}}}""", ["oneOf"], ToolSchemaFallback.Full),
        ["one_of_overlapping"] = ("""{"type":"object","properties":{"v":{"oneOf":[{"type":"integer"},{"type":"number"}]}}}""", ["oneOf"], ToolSchemaFallback.Full),
        ["any_of_all_of"] = ("""{"type":"object","properties":{"id":{"anyOf":[{"type":"string"},{"type":"integer"},{"type":"null"}]},"n":{"allOf":[{"type":"integer"},{"minimum":1}]}}}""", [], ToolSchemaFallback.Full),
        ["pattern"] = ("""{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{2}-\\d{4}$"}}}""", [], ToolSchemaFallback.Full),
        ["pattern_look_around"] = ("""{"type":"object","properties":{"pw":{"type":"string","pattern":"^(?=.*\\d)[a-z\\d]{4,8}$"}}}""", ["pattern"], ToolSchemaFallback.Full),
        ["pattern_dotnet_only"] = ("""{"type":"object","properties":{"s":{"type":"string","pattern":"^abc\\Z"}}}""", ["pattern"], ToolSchemaFallback.Full),
        ["pattern_broken"] = ("""{"type":"object","properties":{"s":{"type":"string","pattern":"[unclosed"}}}""", ["pattern"], ToolSchemaFallback.WithoutPatterns),
        ["formats"] = ("""{"type":"object","properties":{"a":{"type":"string","format":"uri"},"b":{"type":["string","null"],"format":"uri-reference"},"c":{"type":"string","format":"ipv4"},"d":{"type":"string","format":"date"},"e":{"type":"integer","format":"int32"}}}""", ["format"], ToolSchemaFallback.Full),
        ["not"] = ("""{"type":"object","properties":{"name":{"type":"string","not":{"const":"root"}}}}""", ["not"], ToolSchemaFallback.Full),
        ["const_and_enum"] = ("""{"type":"object","properties":{"v":{"const":"v1"},"mixed":{"enum":[1,"one",null,{"k":true}]}}}""", [], ToolSchemaFallback.Full),
        ["additional_properties"] = ("""{"type":"object","properties":{"map":{"type":"object","additionalProperties":{"type":"integer"}},"open":{"type":"object","additionalProperties":true}},"additionalProperties":{"type":"string"}}""", [], ToolSchemaFallback.Full),
        ["array_keywords"] = ("""{"type":"object","properties":{"ids":{"type":"array","items":{"type":"integer"},"uniqueItems":true,"contains":{"const":1},"minContains":1},"pair":{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}]}}}""", ["contains", "minContains", "uniqueItems"], ToolSchemaFallback.Full),
        ["conditionals"] = ("""{"type":"object","properties":{"kind":{"enum":["a","b"]},"x":{"type":"integer"}},"if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["x"]},"else":{"not":{"required":["x"]}},"dependentRequired":{"x":["kind"]}}""", ["dependentRequired", "else", "if", "then"], ToolSchemaFallback.Full),
        ["property_count"] = ("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"minProperties":1,"propertyNames":{"maxLength":3}}""", ["minProperties", "propertyNames"], ToolSchemaFallback.Full),
        ["remote_ref"] = ("""{"type":"object","properties":{"geo":{"$ref":"https://example.com/geo.schema.json"}}}""", ["$ref"], ToolSchemaFallback.Full),
        ["draft4_spellings"] = ("""{"type":"object","properties":{"n":{"type":"number","minimum":0,"exclusiveMinimum":true},"t":{"type":"array","items":[{"type":"string"}]}}}""", [], ToolSchemaFallback.Full),
        ["overlapping_pattern_properties"] = ("""{"type":"object","properties":{"m":{"type":"object","patternProperties":{"^a":{"type":"integer"},"^ab":{"type":"string"}}}}}""", ["*"], ToolSchemaFallback.AnyObject),
        ["missing_local_ref"] = ("""{"type":"object","properties":{"x":{"$ref":"#/$defs/missing"}}}""", ["*"], ToolSchemaFallback.AnyObject),
    };

    public static TheoryData<string> FunctionNames => new(s_functions.Keys);

    public static TheoryData<string> RawNames => new(s_raw.Keys);

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void EnsureCompiles_AIFunctionFactorySchema_CompilesBesideAnotherToolRelaxingOnlyWhatGuidanceCannotEnforce(string name)
    {
        var (function, relaxed) = s_functions[name];

        var plan = AssertCompiles(function, ToolSchemaFallback.Full);

        Assert.Equal(relaxed, plan.Relaxations.Where(r => r.Owner == name).Select(r => r.Keyword).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RawNames))]
    public void EnsureCompiles_McpStyleSchema_CompilesBesideAnotherToolRelaxingOnlyWhatGuidanceCannotEnforce(string name)
    {
        var (schema, relaxed, fallback) = s_raw[name];

        var plan = AssertCompiles(TestTools.Declare(name, "A tool.", schema), fallback);

        Assert.Equal(relaxed, plan.Relaxations.Where(r => r.Owner == name).Select(r => r.Keyword).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("fetch")]
    [InlineData("pick")]
    [InlineData("ids")]
    public void Generate_RelaxedSchema_CallsParseAndTheirCheckAgreesWithAFullValidator(string name)
    {
        var (tool, schema) = name switch
        {
            "fetch" => ((AIFunctionDeclaration)AIFunctionFactory.Create(([Url][MaxLength(20)] string url, [DeniedValues("x", "y")][MaxLength(2)] string code, [Base64String][MaxLength(8)] string data) => 0, "fetch"), string.Empty),
            "pick" => (TestTools.Declare("pick", "Picks.", PickSchema), PickSchema),
            _ => (TestTools.Declare("ids", "Lists ids.", IdsSchema), IdsSchema),
        };
        schema = schema.Length == 0 ? tool.JsonSchema.GetRawText() : schema;
        var plan = ToolGuidanceValidator.EnsureCompiles(model.Model, ToolCallingPlan.Create(new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireSpecific(name), AllowMultipleToolCalls = false }), out _);

        var checkedCalls = new List<FunctionCallContent>();
        foreach (string prompt in TestTools.Prompts.Take(2))
        {
            var (text, finished) = model.Generate(plan.PrepareMessages([new(ChatRole.User, prompt)]), plan.Guidance, maxNewTokens: 120);

            Assert.True(finished, $"'{prompt}' did not finish: {text}");
            Assert.True(plan.TryParseCalls(text, out var calls), text);
            checkedCalls.AddRange(calls);
            Assert.All(calls, call => Assert.True(TestTools.IsValid(schema, TestTools.ToJson(call.Arguments)) == (call.Exception is null), $"{TestTools.ToJson(call.Arguments).GetRawText()}: JsonSchema.Net says {(TestTools.IsValid(schema, TestTools.ToJson(call.Arguments)) ? "valid" : "invalid")}, the check says {call.Exception?.Message ?? "valid"}"));
        }

        // Random weights break the relaxed keywords, so the check had something to find.
        Assert.Contains(checkedCalls, call => call.Exception is not null);
    }

    private const string PickSchema = """{"type":"object","properties":{"v":{"oneOf":[{"type":"integer","minimum":0,"maximum":9},{"type":"integer","minimum":5,"maximum":20}]}},"required":["v"]}""";

    // Three or more items from {0, 1} always repeat one: every call breaks uniqueItems, which the grammar cannot enforce.
    private const string IdsSchema = """{"type":"object","properties":{"ids":{"type":"array","items":{"type":"integer","minimum":0,"maximum":1},"minItems":3,"maxItems":4,"uniqueItems":true}},"required":["ids"]}""";

    private ToolCallingPlan AssertCompiles(AIFunctionDeclaration tool, ToolSchemaFallback fallback)
    {
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [tool, TestTools.Add] });

        var compiled = ToolGuidanceValidator.EnsureCompiles(model.Model, plan, out var fallbacks);

        Assert.Equal(fallback, compiled.Callable.Single(t => t.Name == tool.Name).Fallback);
        Assert.Equal(ToolSchemaFallback.Full, compiled.Callable.Single(t => t.Name == "add").Fallback);
        Assert.Equal(fallback == ToolSchemaFallback.Full ? 0 : 1, fallbacks.Count);
        Assert.All(compiled.Relaxations, r => Assert.Contains(r.Describe(), compiled.SystemAddition, StringComparison.Ordinal));
        return compiled;
    }

    public sealed record Point(int X, int Y);

    public sealed record Order(string Id, IReadOnlyList<Point> Stops, Dictionary<string, string>? Tags, Color Color);

    public sealed record TreeNode(int Value, TreeNode? Left, TreeNode? Right);
}
