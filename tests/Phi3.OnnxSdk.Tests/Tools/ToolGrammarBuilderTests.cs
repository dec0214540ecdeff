using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

[Collection(SyntheticModelGroup.Name)]
public sealed class ToolGrammarBuilderTests(SyntheticModelFixture model)
{
    private static readonly Dictionary<string, string> s_schemas = new()
    {
        ["get_weather"] = TestTools.WeatherSchema,
        ["add"] = TestTools.AddSchema,
    };

    [Fact]
    public void Build_RequireAny_EveryCallParsesAndValidatesAgainstItsToolSchema()
    {
        var options = new ChatOptions { Tools = [TestTools.Weather, TestTools.Add], ToolMode = ChatToolMode.RequireAny };
        var plan = ToolCallingPlan.Create(options);
        var seen = new HashSet<string>();
        foreach (string prompt in TestTools.Prompts)
        {
            var (text, finished) = model.Generate(plan.PrepareMessages([new(ChatRole.User, prompt)]), plan.Guidance);

            Assert.True(finished, $"'{prompt}' did not finish: {text}");
            Assert.True(plan.TryParseCalls(text, out var calls), $"'{prompt}' gave no parsable call: {text}");
            Assert.InRange(calls.Count, 1, ToolCallFormat.DefaultMaxParallelCalls);
            foreach (var call in calls)
            {
                seen.Add(call.Name);
                TestTools.AssertValid(s_schemas[call.Name], TestTools.ToJson(call.Arguments));
            }
        }

        Assert.NotEmpty(seen);
    }

    [Theory]
    [InlineData("get_weather")]
    [InlineData("add")]
    public void Build_RequireSpecific_AlwaysCallsThatTool(string name)
    {
        var options = new ChatOptions { Tools = [TestTools.Weather, TestTools.Add], ToolMode = ChatToolMode.RequireSpecific(name) };
        var plan = ToolCallingPlan.Create(options);
        foreach (string prompt in TestTools.Prompts)
        {
            var (text, _) = model.Generate(plan.PrepareMessages([new(ChatRole.User, prompt)]), plan.Guidance);

            Assert.True(plan.TryParseCalls(text, out var calls), $"'{prompt}' gave no parsable call: {text}");
            Assert.All(calls, call =>
            {
                Assert.Equal(name, call.Name);
                TestTools.AssertValid(s_schemas[name], TestTools.ToJson(call.Arguments));
            });
        }
    }

    [Fact]
    public void Build_Auto_AnswerIsTextOrValidCalls()
    {
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather, TestTools.Add] });
        foreach (string prompt in TestTools.Prompts)
        {
            var (text, _) = model.Generate(plan.PrepareMessages([new(ChatRole.User, prompt)]), plan.Guidance, maxNewTokens: 48);

            if (ToolCallParser.StartsWithCallMarker(text))
            {
                Assert.True(plan.TryParseCalls(text, out var calls), $"'{prompt}' started a call that does not parse: {text}");
                Assert.All(calls, call => TestTools.AssertValid(s_schemas[call.Name], TestTools.ToJson(call.Arguments)));
            }
            else
            {
                Assert.NotEmpty(text);
            }
        }
    }

    [Fact]
    public void Build_Auto_TextBranchRejectsCallMarkerButAllowsOtherAngleBrackets()
    {
        var guidance = ToolGrammarBuilder.Build([ToolDefinition.From(TestTools.Weather)], ChatToolMode.Auto, null)!;

        Assert.Equal(ToolGuidance.LarkGrammarType, guidance.Type);
        Assert.Contains("start: answer | calls", guidance.Data, StringComparison.Ordinal);
        Assert.False(TextBranchAllows(guidance.Data, "  <tool_call>[{\"name\":\"get_weather\"}]"));
        Assert.True(TextBranchAllows(guidance.Data, "a < b, <tool_callx> and <tool_cal"));
    }

    [Theory]
    [InlineData("Sure. <tool_call>[{\"name\":\"get_weather\",\"arguments\":{}}]")]
    [InlineData("line one\n<tool_call>[]")]
    [InlineData("x<tool_call>")]
    public void Build_Auto_TextBranchRejectsCallMarkerMidText(string text)
    {
        var guidance = ToolGrammarBuilder.Build([ToolDefinition.From(TestTools.Weather)], ChatToolMode.Auto, null)!;

        Assert.False(TextBranchAllows(guidance.Data, text));
    }

    /// <summary>Evaluates the grammar's <c>TEXT: /A/ &amp; ~/B/</c> line with .NET regexes (the same syntax for these patterns): A matches whole, B does not.</summary>
    private static bool TextBranchAllows(string grammar, string text)
    {
        var line = System.Text.RegularExpressions.Regex.Match(grammar, "^TEXT: /(?<a>.*)/ & ~/(?<b>.*)/$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(line.Success, grammar);
        return System.Text.RegularExpressions.Regex.IsMatch(text, $"^(?:{line.Groups["a"].Value})$")
            && !System.Text.RegularExpressions.Regex.IsMatch(text, $"^(?:{line.Groups["b"].Value})$");
    }

    [Fact]
    public void Build_ModeNone_NeverCalls()
    {
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather], ToolMode = ChatToolMode.None });

        Assert.Null(plan.Guidance);
        Assert.False(plan.AllowsCalls);
        Assert.Null(plan.SystemAddition);
        Assert.False(plan.TryParseCalls("<tool_call>[{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\",\"unit\":\"celsius\"}}]", out _));
    }

    [Fact]
    public void Build_ModeNoneWithJsonSchemaFormat_GeneratesJsonValidForTheSchema()
    {
        const string schema = """{"type":"object","properties":{"mood":{"enum":["happy","sad"]},"score":{"type":"integer","minimum":1,"maximum":5}},"required":["mood","score"],"additionalProperties":false}""";
        var format = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement, "Mood");
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather], ToolMode = ChatToolMode.None, ResponseFormat = format });

        Assert.Equal(ToolGuidance.JsonSchemaType, plan.Guidance!.Type);
        var (text, finished) = model.Generate(plan.PrepareMessages([new(ChatRole.User, "How do you feel?")]), plan.Guidance);

        Assert.True(finished, text);
        TestTools.AssertValid(schema, JsonDocument.Parse(text).RootElement);
    }

    [Fact]
    public void Build_AutoWithJsonFormat_AnswerIsJsonObjectOrCall()
    {
        const string schema = """{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"],"additionalProperties":false}""";
        var format = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement);
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Add], ResponseFormat = format });

        Assert.Contains("answer: %json", plan.Guidance!.Data, StringComparison.Ordinal);
        foreach (string prompt in TestTools.Prompts)
        {
            var (text, finished) = model.Generate(plan.PrepareMessages([new(ChatRole.User, prompt)]), plan.Guidance);

            Assert.True(finished, text);
            if (plan.TryParseCalls(text, out var calls))
            {
                Assert.All(calls, call => TestTools.AssertValid(TestTools.AddSchema, TestTools.ToJson(call.Arguments)));
            }
            else
            {
                TestTools.AssertValid(schema, JsonDocument.Parse(text).RootElement);
            }
        }
    }

    [Fact]
    public void Build_MaxParallelCallsOne_GivesExactlyOneCall()
    {
        var tools = ToolDefinition.FromTools([TestTools.Weather, TestTools.Add]);
        var guidance = ToolGrammarBuilder.Build(tools, ChatToolMode.RequireAny, null, maxParallelCalls: 1);

        var (text, _) = model.Generate([new(ChatRole.User, "Weather in Rome and 1+1?")], guidance);

        Assert.True(ToolCallParser.TryParse(text, ["get_weather", "add"], out var calls), text);
        Assert.Single(calls);
    }

    [Fact]
    public void Build_ToolSchemaWithLocalRefs_RebasesThemAndCallsValidate()
    {
        const string schema = """
            {"type":"object","properties":{"from":{"$ref":"#/$defs/place"},"to":{"$ref":"#/$defs/place"}},"required":["from","to"],
             "$defs":{"place":{"type":"string","enum":["home","work","gym"]}}}
            """;
        var route = TestTools.Declare("route", "Plans a route.", schema);
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather, route], ToolMode = ChatToolMode.RequireSpecific("route") });

        Assert.Contains("\"#/items/properties/arguments/$defs/place\"", plan.Guidance!.Data, StringComparison.Ordinal);
        var (text, _) = model.Generate(plan.PrepareMessages([new(ChatRole.User, "Go")]), plan.Guidance);

        Assert.True(plan.TryParseCalls(text, out var calls), text);
        Assert.All(calls, call => TestTools.AssertValid(schema, TestTools.ToJson(call.Arguments)));
    }

    [Fact]
    public void Build_RequireSpecificUnknownTool_ThrowsNamingToolAndChoices()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather], ToolMode = ChatToolMode.RequireSpecific("send_mail") }));

        Assert.Contains("'send_mail'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'get_weather'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RequireAnyWithoutTools_Throws()
    {
        Assert.Throws<ArgumentException>(() => ToolGrammarBuilder.Build([], ChatToolMode.RequireAny, null));
    }

    [Fact]
    public void BuildResponseSchema_TrueSchema_AnyJsonObject()
    {
        var built = ToolGrammarBuilder.BuildResponseSchema(ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("true").RootElement))!;

        Assert.Equal("object", built["type"]!.GetValue<string>());
    }

    [Fact]
    public void BuildResponseSchema_FalseSchema_ThrowsNamingTheResponseFormat()
    {
        var ex = Assert.Throws<Phi3ToolSchemaException>(() => ToolGrammarBuilder.BuildResponseSchema(ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("false").RootElement, "never")));

        Assert.Contains("response-format schema 'never'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildResponseSchema_NestedObjects_ClosedUnlessTheySayOtherwiseOrAreAllOfBranches()
    {
        const string schema = """
            {"type":"object","properties":{"inner":{"type":"object","properties":{"x":{"type":"integer"}}},"open":{"type":"object","properties":{},"additionalProperties":true},
             "list":{"type":"array","items":{"type":"object","properties":{"y":{"type":"boolean"}}}},"mix":{"allOf":[{"type":"object","properties":{"z":{"type":"boolean"}}}]}}}
            """;

        var built = ToolGrammarBuilder.BuildResponseSchema(ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement))!;

        Assert.False(built["additionalProperties"]!.GetValue<bool>());
        Assert.False(built["properties"]!["inner"]!["additionalProperties"]!.GetValue<bool>());
        Assert.True(built["properties"]!["open"]!["additionalProperties"]!.GetValue<bool>());
        Assert.False(built["properties"]!["list"]!["items"]!["additionalProperties"]!.GetValue<bool>());
        Assert.Null(built["properties"]!["mix"]!["allOf"]![0]!["additionalProperties"]);
        Assert.Null(built["properties"]!["inner"]!["properties"]!["additionalProperties"]);
    }

    [Fact]
    public void BuildCallsSchema_ArgumentsWithoutAdditionalProperties_ForbidsExtraKeys()
    {
        var schema = ToolGrammarBuilder.BuildCallsSchema([ToolDefinition.From(TestTools.Weather)], 2);

        Assert.Equal(2, schema["maxItems"]!.GetValue<int>());
        Assert.False(schema["items"]!["properties"]!["arguments"]!["additionalProperties"]!.GetValue<bool>());
        Assert.Equal("get_weather", schema["items"]!["properties"]!["name"]!["const"]!.GetValue<string>());
        Assert.False(schema["x-guidance"]!["whitespace_flexible"]!.GetValue<bool>());
    }
}
