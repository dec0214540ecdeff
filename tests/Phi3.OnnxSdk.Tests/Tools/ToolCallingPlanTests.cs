using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

public sealed class ToolCallingPlanTests
{
    [Theory]
    [InlineData("auto", null, 4, false)]
    [InlineData("auto", true, 4, false)]
    [InlineData("auto", false, 1, false)]
    [InlineData("any", null, 4, true)]
    [InlineData("any", false, 1, true)]
    [InlineData("add", true, 4, true)]
    [InlineData("add", false, 1, true)]
    public void Create_ToolModeAndAllowMultipleToolCalls_CombineAsDocumented(string mode, bool? allowMultiple, int maxCalls, bool mustCall)
    {
        var options = new ChatOptions
        {
            Tools = [TestTools.Weather, TestTools.Add],
            ToolMode = mode switch { "auto" => ChatToolMode.Auto, "any" => ChatToolMode.RequireAny, _ => ChatToolMode.RequireSpecific(mode) },
            AllowMultipleToolCalls = allowMultiple,
        };

        var plan = ToolCallingPlan.Create(options);

        Assert.Equal(maxCalls, plan.MaxParallelCalls);
        Assert.Contains($"\"minItems\":1,\"maxItems\":{maxCalls},", plan.Guidance!.Data, StringComparison.Ordinal);
        Assert.Contains(mustCall ? "start: calls\n" : "start: answer | calls\n", plan.Guidance.Data, StringComparison.Ordinal);
        Assert.Contains(maxCalls == 1 ? "Make exactly one call per reply." : "You may make up to 4 calls at once.", plan.SystemAddition, StringComparison.Ordinal);
        Assert.Equal(mode == "add" ? ["add"] : ["get_weather", "add"], plan.Callable.Select(t => t.Name));
    }

    [Fact]
    public void Create_ModeNoneWithAllowMultipleToolCallsFalse_NoCalls()
    {
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Add], ToolMode = ChatToolMode.None, AllowMultipleToolCalls = false });

        Assert.False(plan.AllowsCalls);
        Assert.Null(plan.Guidance);
    }

    [Fact]
    public void Create_RelaxedKeywords_DescribedInTheSystemPromptAndCheckedAfterParsing()
    {
        var fetch = TestTools.Declare("fetch", "Fetches.", """{"type":"object","properties":{"url":{"type":"string","format":"uri"},"mode":{"type":"string","not":{"const":"raw"}}},"required":["url"]}""");

        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [fetch, TestTools.Add] });

        Assert.Contains("not checked while you write", plan.SystemAddition, StringComparison.Ordinal);
        Assert.Contains("- fetch: url: \"format\":\"uri\"\n", plan.SystemAddition, StringComparison.Ordinal);
        Assert.Contains("- fetch: mode: \"not\":{\"const\":\"raw\"}\n", plan.SystemAddition, StringComparison.Ordinal);
        Assert.DoesNotContain("\"uri\"", plan.Guidance!.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("\"not\"", plan.Guidance.Data, StringComparison.Ordinal);

        Assert.True(plan.TryParseCalls("""<tool_call>[{"name":"fetch","arguments":{"url":"no uri","mode":"raw"}},{"name":"add","arguments":{"a":1,"b":2}}]""", out var calls));
        var error = Assert.IsType<InvalidOperationException>(calls[0].Exception).Message;
        Assert.Contains("/url: does not satisfy \"format\":\"uri\"", error, StringComparison.Ordinal);
        Assert.Contains("/mode: does not satisfy \"not\"", error, StringComparison.Ordinal);
        Assert.Null(calls[1].Exception);

        Assert.True(plan.TryParseCalls("""<tool_call>[{"name":"fetch","arguments":{"url":"https://example.com","mode":"html"}}]""", out var good));
        Assert.Null(Assert.Single(good).Exception);
    }

    [Fact]
    public void Create_ResponseFormatWithRelaxedKeyword_DescribedAndLeftOutOfTheGrammar()
    {
        var format = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"link":{"type":"string","format":"uri","maxLength":9}}}""").RootElement);

        var plan = ToolCallingPlan.Create(new ChatOptions { ResponseFormat = format });

        Assert.Contains("\"format\":\"uri\"", plan.SystemAddition, StringComparison.Ordinal);
        Assert.Contains("- link: \"format\":\"uri\"", plan.SystemAddition, StringComparison.Ordinal);
        Assert.DoesNotContain("\"uri\"", plan.Guidance!.Data, StringComparison.Ordinal);
        Assert.Null(Assert.Single(plan.Relaxations).Owner);
    }
}
