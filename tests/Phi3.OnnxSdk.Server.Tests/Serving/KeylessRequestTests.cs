using System.Net;
using System.Text;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Phi3.OnnxSdk.Server.Serving;
using static Phi3.OnnxSdk.Server.Tests.Serving.SseReader;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>A server without an API key keeps web pages out: DNS rebinding (a foreign <c>Host</c>) and cross-origin simple POSTs (not <c>application/json</c>).</summary>
public sealed class KeylessRequestTests
{
    private const string Body = """{"messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("attacker.example:8000")]
    [InlineData("localhost.attacker.example")]
    [InlineData("2130706433")]
    public async Task Post_ForeignHostWithoutKey_Answers421NamingTheFix(string host)
    {
        await using var app = await AppHost.StartAsync(new FixedChatClient([new TextContent("hi")]));
        using var http = app.Http();

        using var response = await http.SendAsync(Request(Body, "application/json", host));

        var error = await ErrorResponseTests.ReadErrorAsync(response, HttpStatusCode.MisdirectedRequest);
        Assert.Equal("invalid_host", error.GetProperty("code").GetString());
        Assert.Contains("API key", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ForeignHostWithoutKey_Answers421()
    {
        await using var app = await AppHost.StartAsync(new FixedChatClient([new TextContent("hi")]));
        using var http = app.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        request.Headers.Host = "attacker.example";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST:1234")]
    [InlineData("app.localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2:80")]
    [InlineData("[::1]:8000")]
    public async Task Post_LoopbackHostWithoutKey_Answers200(string host)
    {
        await using var app = await AppHost.StartAsync(new FixedChatClient([new TextContent("hi")]));
        using var http = app.Http();

        using var response = await http.SendAsync(Request(Body, "application/json", host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task Post_NotJsonWithoutKey_Answers415(string? contentType)
    {
        var client = new FixedChatClient([new TextContent("hi")]);
        await using var app = await AppHost.StartAsync(client);
        using var http = app.Http();

        using var response = await http.SendAsync(Request(Body, contentType, host: null));

        var error = await ErrorResponseTests.ReadErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("unsupported_media_type", error.GetProperty("code").GetString());
        Assert.Contains("application/json", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(client.LastMessages);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;charset=UTF-8")]
    public async Task Post_JsonWithOrWithoutCharsetWithoutKey_Answers200(string contentType)
    {
        await using var app = await AppHost.StartAsync(new FixedChatClient([new TextContent("hi")]));
        using var http = app.Http();

        using var response = await http.SendAsync(Request(Body, contentType, host: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_ForeignHostAndPlainTextWithKey_Answers200()
    {
        await using var app = await AppHost.StartAsync(new FixedChatClient([new TextContent("hi")]), o => o.ApiKey = "k");
        using var http = ServerFixture.RawHttp(app.Url, "k");

        using var response = await http.SendAsync(Request(Body, "text/plain", "attacker.example"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CompleteChat_OfficialClientWithoutKey_Works()
    {
        await using var app = await AppHost.StartAsync(new FixedChatClient([new TextContent("hi")]));
        var chat = ServerFixture.OpenAIChat(app.BaseUrl, "phi3", key: null);

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal("hi", completion.Content[0].Text);
    }

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3", true)]
    [InlineData("10.1.2.3", "10.1.2.4", false)]
    [InlineData("[fe80::1]", "fe80::1", true)]
    [InlineData("127.1", null, false)]
    [InlineData("", null, false)]
    [InlineData("localhost.", null, true)]
    public void IsLocalHost_AddressOfTheConnection_AcceptedOnlyWhenEqual(string host, string? local, bool expected) =>
        Assert.Equal(expected, KeylessRequestFilter.IsLocalHost(host, local is null ? null : IPAddress.Parse(local)));

    private static HttpRequestMessage Request(string body, string? contentType, string? host)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = content };
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return request;
    }
}
