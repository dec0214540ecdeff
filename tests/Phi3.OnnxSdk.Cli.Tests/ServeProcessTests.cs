using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OpenAI.Chat;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>
/// <c>phi3 serve</c> run as a process over the synthetic tiny model, called through plain HTTP and the official OpenAI
/// client; and <c>phi3 chat --placement remote</c> against it, which must give the local chat's greedy text.
/// </summary>
public sealed class ServeProcessTests
{
    private const string Key = "cli-test-key-7f3a9c";
    private static readonly string s_model = TestModelCache.GetOrBuild("tiny");
    private static readonly string s_modelId = Path.GetFileName(s_model);
    private static readonly Dictionary<string, string?> s_noEnvironment = [];

    [Fact]
    public async Task Serve_PortZero_PrintedUrlAnswersHealthAndTheOpenAIClient_SigtermDrainsAStreamAndExits0()
    {
        using var serve = await ServeProcess.StartAsync(s_noEnvironment, "--model-path", s_model);

        ChatCompletion completion = await serve.OpenAIChat(s_modelId, key: null)
            .CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { MaxOutputTokenCount = 12 });
        Assert.Equal(s_modelId, completion.Model);
        Assert.Equal(12, completion.Usage.OutputTokenCount);
        Assert.NotEmpty(completion.Content[0].Text);

        // A stream in progress when SIGTERM arrives still ends properly: the server drains before it exits.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(serve.BaseUrl + "/chat/completions"))
        {
            Content = new StringContent(
                $$"""{"model":"{{s_modelId}}","stream":true,"max_tokens":600,"messages":[{"role":"user","content":"Hello"}]}""",
                Encoding.UTF8,
                "application/json"),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await body.ReadLineAsync());
        serve.Process.Terminate();
        string rest = await body.ReadToEndAsync();

        var result = await serve.Process.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"finish_reason\":", rest, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]", rest.TrimEnd());
        // The stream's request log line comes after the stop began: it finished while the server drained.
        int stopping = result.Stderr.IndexOf("phi3 serve stopping: draining", StringComparison.Ordinal);
        int streamed = result.Stderr.IndexOf("stream True", StringComparison.Ordinal);
        Assert.True(stopping >= 0 && streamed > stopping, result.ToString());
        Assert.Equal([$"phi3 serve listening on {serve.Url} (OpenAI base URL {serve.Url}v1)"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Serve_OpenBindWithoutKey_IsRefusedWithTheServersMessage_ExitCode2()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "serve", "--model-path", s_model, "--host", "0.0.0.0", "--port", "0");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("phi3: Refusing to listen on 0.0.0.0 without an API key", line);
        Assert.Contains("--api-key", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Serve_WildcardCorsWithoutKey_IsRefused_ExitCode2()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "serve", "--model-path", s_model, "--cors", "*", "--port", "0");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("phi3: Refusing the CORS origin '*' without an API key", Assert.Single(result.StderrLines));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Serve_HostThatIsNotAName_OneLineWithoutTheParameterSuffix_ExitCode2()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "serve", "--model-path", s_model, "--host", "bad host!", "--port", "0");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("phi3: The host 'bad host!' is not an IP address or a name this machine resolves", line);
        Assert.DoesNotContain("(Parameter", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ApiKeyFlag_RequiredByTheEndpoint_NeverPrinted_SigintStopsWithExit0()
    {
        using var serve = await ServeProcess.StartAsync(s_noEnvironment, "--model-path", s_model, "--api-key", Key);

        await AssertKeyRequiredAsync(serve);
        serve.Process.Interrupt();
        var result = await serve.Process.WaitForExitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(Key, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ApiKeyFromPhi3ApiKey_AllowsEveryInterface_RequiredByTheEndpoint_NeverPrinted()
    {
        var environment = new Dictionary<string, string?> { ["PHI3_API_KEY"] = Key };
        using var serve = await ServeProcess.StartAsync(environment, "--model-path", s_model, "--host", "0.0.0.0");

        await AssertKeyRequiredAsync(serve);
        serve.Process.Terminate();
        var result = await serve.Process.WaitForExitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("phi3 serve listening on http://0.0.0.0:", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_CorsAndBodyLimitFlags_ReachTheServer()
    {
        const string Origin = "http://localhost:3000";
        using var serve = await ServeProcess.StartAsync(s_noEnvironment, "--model-path", s_model, "--cors", Origin, "--max-body-bytes", "200");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var allowed = new HttpRequestMessage(HttpMethod.Get, new Uri(serve.BaseUrl + "/models"));
        allowed.Headers.Add("Origin", Origin);
        using var allowedResponse = await http.SendAsync(allowed);
        using var other = new HttpRequestMessage(HttpMethod.Get, new Uri(serve.BaseUrl + "/models"));
        other.Headers.Add("Origin", "http://elsewhere.test");
        using var otherResponse = await http.SendAsync(other);
        string big = new('x', 400);
        using var tooLarge = await http.PostAsync(
            new Uri(serve.BaseUrl + "/chat/completions"),
            new StringContent($$"""{"model":"{{s_modelId}}","messages":[{"role":"user","content":"{{big}}"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal([Origin], allowedResponse.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.False(otherResponse.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    [Fact]
    public async Task Serve_ModelFolderThatIsNotThere_StopsWithOneLineNamingIt_ExitCode1()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"phi3-no-such-model-{Guid.NewGuid():N}");

        var result = await Phi3Process.RunAsync(string.Empty, "serve", "--model-path", missing, "--port", "0");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"phi3: The model folder '{missing}' does not exist. Download the model first or pass the folder that holds genai_config.json.", result.StderrLines[^1]);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_PlacementRemoteAgainstServe_GivesTheLocalGreedyText_KeyFromTheEnvironmentNeverPrinted()
    {
        var local = await Phi3Process.RunAsync(string.Empty, "chat", "--model-path", s_model, "-n", "12", "Hello");
        Assert.True(local.ExitCode == 0, local.ToString());
        var serverEnvironment = new Dictionary<string, string?> { ["PHI3_API_KEY"] = Key };
        using var serve = await ServeProcess.StartAsync(serverEnvironment, "--model-path", s_model);
        string[] remote = ["chat", "--placement", "remote", "--remote-endpoint", serve.BaseUrl.ToString(), "--remote-model", s_modelId, "-n", "12"];

        var viaEnvironment = await Phi3Process.RunAsync(new Dictionary<string, string?> { ["PHI3_REMOTE_API_KEY"] = Key }, string.Empty, [.. remote, "Hello"]);
        var viaFlag = await Phi3Process.RunAsync(string.Empty, [.. remote, "--remote-api-key", Key, "Hello"]);
        var wrongKey = await Phi3Process.RunAsync(string.Empty, [.. remote, "--remote-api-key", "not-" + Key, "Hello"]);

        Assert.True(viaEnvironment.ExitCode == 0, viaEnvironment.ToString());
        Assert.Equal(local.Stdout, viaEnvironment.Stdout);
        Assert.Equal(local.Stdout, viaFlag.Stdout);
        Assert.Single(viaEnvironment.StderrLines, l => l.Contains("tokens/s", StringComparison.Ordinal));
        Assert.True(wrongKey.ExitCode == 1, wrongKey.ToString());
        Assert.Contains("401", Assert.Single(wrongKey.StderrLines), StringComparison.Ordinal);
        foreach (var result in (Phi3Result[])[viaEnvironment, viaFlag, wrongKey])
        {
            Assert.DoesNotContain(Key, result.Stdout + result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Serve_PlacementRemote_ServesAnotherServersModel_WithItsGreedyText()
    {
        using var origin = await ServeProcess.StartAsync(new Dictionary<string, string?> { ["PHI3_API_KEY"] = Key }, "--model-path", s_model);
        using var relay = await ServeProcess.StartAsync(
            new Dictionary<string, string?> { ["PHI3_REMOTE_API_KEY"] = Key },
            "--placement", "remote", "--remote-endpoint", origin.BaseUrl.ToString(), "--remote-model", s_modelId);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 10 };

        ChatCompletion direct = await origin.OpenAIChat(s_modelId, Key).CompleteChatAsync([new UserChatMessage("Hello")], options);
        ChatCompletion relayed = await relay.OpenAIChat(s_modelId, key: null).CompleteChatAsync([new UserChatMessage("Hello")], options);

        Assert.Equal(direct.Content[0].Text, relayed.Content[0].Text);
        Assert.Equal(s_modelId, relayed.Model);
        relay.Process.Terminate();
        var result = await relay.Process.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(Key, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    private static async Task AssertKeyRequiredAsync(ServeProcess serve)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var without = await http.GetAsync(new Uri(serve.BaseUrl + "/models"));
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(serve.BaseUrl + "/models"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var with = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => serve.OpenAIChat(s_modelId, key: null).CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, refused.Status);
        ChatCompletion answer = await serve.OpenAIChat(s_modelId, Key).CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 3 });
        Assert.NotEmpty(answer.Content[0].Text);
    }
}
