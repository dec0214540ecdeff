using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Server.Mapping;

namespace Phi3.OnnxSdk.Server.Tests.Mapping;

/// <summary>The request mapper: OpenAI request JSON onto Microsoft.Extensions.AI messages and options.</summary>
public sealed class ChatRequestParserTests
{
    [Fact]
    public void Parse_ToolConversation_MapsCallsAndResultsToFunctionContents()
    {
        var request = Parse("""
            {"messages":[
              {"role":"developer","content":"Be brief."},
              {"role":"user","content":[{"type":"text","text":"Add "},{"type":"text","text":"2 and 3."}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"add","arguments":"{\"a\":2,\"b\":3}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"5"}]}
            """);

        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool], request.Messages.Select(m => m.Role));
        Assert.Equal("Be brief.", request.Messages[0].Text);
        Assert.Equal("Add 2 and 3.", request.Messages[1].Text);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(request.Messages[2].Contents));
        Assert.Equal(("call_1", "add"), (call.CallId, call.Name));
        Assert.Equal(3, ((JsonElement)call.Arguments!["b"]!).GetInt32());
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(request.Messages[3].Contents));
        Assert.Equal("call_1", result.CallId);
        Assert.Equal("5", result.Result?.ToString());
    }

    [Fact]
    public void Parse_SamplingAndLimits_MapOntoChatOptions()
    {
        var options = Parse("""
            {"messages":[{"role":"user","content":"hi"}],"temperature":0,"top_p":0.9,"top_k":40,"seed":7,
             "max_tokens":10,"max_completion_tokens":20,"stop":"END","user":"u-1","repetition_penalty":1.1}
            """).Options;

        Assert.Equal(0f, options.Temperature);
        Assert.Equal(0.9f, options.TopP);
        Assert.Equal(40, options.TopK);
        Assert.Equal(7L, options.Seed);
        Assert.Equal(20, options.MaxOutputTokens);
        Assert.Equal(["END"], options.StopSequences!);
        Assert.Equal("u-1", options.AdditionalProperties!["user"]);
        Assert.Equal(1.1, (double)options.AdditionalProperties![Phi3ChatOptionKeys.RepetitionPenalty]!, 6);
    }

    [Theory]
    [InlineData(100, 1024, 100)]
    [InlineData(4096, 1024, 1024)]
    [InlineData(512, null, 512)]
    public void Parse_NoMaxTokens_GetsTheLowerOfTheCeilingAndTheClientDefault(int ceiling, int? clientDefault, int expected)
    {
        using var document = JsonDocument.Parse("""{"messages":[{"role":"user","content":"hi"}]}""");

        var options = ChatRequestParser.Parse(document.RootElement, ceiling, clientDefault).Options;

        Assert.Equal(expected, options.MaxOutputTokens);
    }

    [Fact]
    public void Parse_NamedToolChoiceAndJsonSchema_MapToRequireSpecificAndASchemaFormat()
    {
        var request = Parse("""
            {"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true},
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather.","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false,
             "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},"strict":true}}}
            """);

        var tool = Assert.IsAssignableFrom<AIFunctionDeclaration>(Assert.Single(request.Options.Tools!));
        Assert.Equal(("get_weather", "Weather."), (tool.Name, tool.Description));
        Assert.Equal("string", tool.JsonSchema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("get_weather", Assert.IsType<RequiredChatToolMode>(request.Options.ToolMode).RequiredFunctionName);
        Assert.False(request.Options.AllowMultipleToolCalls);
        var format = Assert.IsType<ChatResponseFormatJson>(request.Options.ResponseFormat);
        Assert.Equal("answer", format.SchemaName);
        Assert.Equal("object", format.Schema!.Value.GetProperty("type").GetString());
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
    }

    [Theory]
    [InlineData("\"none\"", "none")]
    [InlineData("\"auto\"", "auto")]
    [InlineData("\"required\"", "required")]
    public void Parse_ToolChoiceString_MapsToTheToolMode(string choice, string expected)
    {
        var mode = Parse($$$"""{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{{{choice}}}}""").Options.ToolMode;

        Assert.Equal(expected, mode switch
        {
            NoneChatToolMode => "none",
            AutoChatToolMode => "auto",
            RequiredChatToolMode { RequiredFunctionName: null } => "required",
            _ => "other",
        });
    }

    [Theory]
    [InlineData("image/png", "")]
    [InlineData("image/jpeg", ";name=cat.jpg")]
    public void Parse_ImageDataUrl_ReachesTheClientAsDataContentWithItsExactBytesAndMediaType(string mediaType, string parameters)
    {
        byte[] bytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF, 0x7F, 0x3E, 0x3F];
        string url = $"data:{mediaType}{parameters};base64,{Convert.ToBase64String(bytes)}";

        var request = Parse($$$"""{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"{{{url}}}","detail":"low"}}]}]}""");

        Assert.Equal("What is this?", Assert.IsType<TextContent>(request.Messages[0].Contents[0]).Text);
        var image = Assert.IsType<DataContent>(request.Messages[0].Contents[1]);
        Assert.Equal(mediaType, image.MediaType);
        Assert.Equal(bytes, image.Data.ToArray());
    }

    [Theory]
    [InlineData("https://example.com/cat.png", "only data: URLs are accepted")]
    [InlineData("http://127.0.0.1/cat.png", "only data: URLs are accepted")]
    [InlineData("data:image/png,iVBORw0KGgo=", "data:<media type>;base64,<data>")]
    [InlineData("data:image/png;base64", "data:<media type>;base64,<data>")]
    [InlineData("data:text/plain;base64,aGk=", "not an image type")]
    [InlineData("data:;base64,aGk=", "not an image type")]
    [InlineData("data:image/png;base64,not base64!", "not base64")]
    [InlineData("data:image/png;base64,", "not base64 or is empty")]
    public void Parse_ImageUrlThatIsNoBase64ImageDataUrl_IsRefusedNamingTheField(string url, string reason)
    {
        var error = Assert.Throws<OpenAIRequestException>(() => Parse($$$"""{"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]}"""));

        Assert.Equal("messages[0].content[1].image_url.url", error.Param);
        Assert.Equal(400, error.StatusCode);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownTopLevelFields_AreIgnoredAndListedButKnownIgnoredOnesAreNot()
    {
        var request = Parse("""{"messages":[{"role":"user","content":"hi"}],"store":true,"metadata":{"a":"b"},"future_knob":1,"another":{"x":2}}""");

        Assert.Equal(["future_knob", "another"], request.UnknownFields);
        Assert.Equal("hi", request.Messages[0].Text);
    }

    [Fact]
    public void Parse_UnknownPartType_IsRefusedNotDropped()
    {
        var error = Assert.Throws<OpenAIRequestException>(() => Parse("""{"messages":[{"role":"user","content":[{"type":"video","video":{}}]}]}"""));

        Assert.Equal("messages[0].content[0].type", error.Param);
    }

    private static ChatCompletionRequest Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ChatRequestParser.Parse(document.RootElement, maxOutputTokens: 4096);
    }
}
