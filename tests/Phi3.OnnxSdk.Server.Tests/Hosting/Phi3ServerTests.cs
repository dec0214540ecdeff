using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OpenAI.Chat;
using Phi3.OnnxSdk.Server.Hosting;
using Phi3.OnnxSdk.Server.Tests.Serving;
using Phi3.OnnxSdk.SyntheticModels;
using static Phi3.OnnxSdk.Server.Tests.Serving.SseReader;

namespace Phi3.OnnxSdk.Server.Tests.Hosting;

/// <summary>The <c>phi3 serve</c> host: bind safety, the printed URL, signals and drain, CORS and OpenTelemetry.</summary>
public sealed class Phi3ServerTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.20")]
    public async Task StartAsync_NonLoopbackWithoutKey_IsRefusedBeforeListening(string host)
    {
        Assert.Null(Environment.GetEnvironmentVariable(Phi3ServerOptions.ApiKeyVariable));

        var error = await Assert.ThrowsAsync<Phi3ServerException>(() => ServerFixture.StartAsync(o => o.Host = host));

        Assert.Contains($"Refusing to listen on {host} without an API key", error.Message, StringComparison.Ordinal);
        Assert.Contains("--api-key", error.Message, StringComparison.Ordinal);
        Assert.Contains(Phi3ServerOptions.ApiKeyVariable, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("my-host.invalid")]
    [InlineData("127.0.0.1:80")]
    public async Task StartAsync_HostThatIsNoAddress_IsRefusedWithAClearMessage(string host)
    {
        var error = await Assert.ThrowsAsync<Phi3ServerException>(() => ServerFixture.StartAsync(o => { o.Host = host; o.ApiKey = "k"; }));

        Assert.Contains($"'{host}' is not an IP address or a name this machine resolves", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_Ipv4MappedLoopback_ListensOnLoopbackWithoutAKey()
    {
        await using var server = await ServerFixture.StartAsync(o => o.Host = "::ffff:127.0.0.1");
        using var http = ServerFixture.RawHttp(server.Url, key: null);

        Assert.Equal("127.0.0.1", server.Url.Host);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("v1/models")).StatusCode);
    }

    [Fact]
    public async Task StartAsync_AddressOfAnotherMachine_IsRefusedWithAClearMessage()
    {
        var error = await Assert.ThrowsAsync<Phi3ServerException>(() => ServerFixture.StartAsync(o => { o.Host = "192.0.2.44"; o.ApiKey = "k"; }));

        Assert.Contains("Cannot listen on 192.0.2.44: it is not an address of this machine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_WildcardCorsWithoutKey_IsRefusedNamingTheFix()
    {
        var error = await Assert.ThrowsAsync<Phi3ServerException>(() => ServerFixture.StartAsync(o => o.CorsOrigins = ["http://localhost:3000", "*"]));

        Assert.StartsWith("Refusing the CORS origin '*' without an API key", error.Message, StringComparison.Ordinal);
        Assert.Contains("--api-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_WildcardCorsWithKey_Starts()
    {
        await using var server = await ServerFixture.StartAsync(o => { o.CorsOrigins = ["*"]; o.ApiKey = "k"; });

        Assert.Equal("127.0.0.1", server.Url.Host);
    }

    [Fact]
    public async Task MapPhi3OpenAIEndpoints_AppOnAnOpenAddressWithoutKey_WarnsOnceListening()
    {
        var logs = new Phi3.OnnxSdk.Tests.DependencyInjection.CapturingLoggerProvider();
        var quiet = new Phi3.OnnxSdk.Tests.DependencyInjection.CapturingLoggerProvider();
        var client = new FixedChatClient([new Microsoft.Extensions.AI.TextContent("hi")]);

        await using (await AppHost.StartAsync(client, listen: IPAddress.Any, logs: logs))
        await using (await AppHost.StartAsync(client, listen: IPAddress.Loopback, logs: quiet))
        await using (await AppHost.StartAsync(client, o => o.ApiKey = "k", listen: IPAddress.Any, logs: quiet))
        {
        }

        var warning = Assert.Single(logs.Entries, e => e.EventId == 7012);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("http://0.0.0.0:", warning.Message, StringComparison.Ordinal);
        Assert.Contains("require no API key", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(quiet.Entries, e => e.EventId == 7012);
    }

    [Fact]
    public async Task Process_OpenBindWithoutKey_ExitsWithTheRefusalOnStderr()
    {
        using var server = new ServerProcess("--model-path", TestModelCache.GetOrBuild("tiny"), "--host", "0.0.0.0", "--port", "0");

        int exit = await server.WaitForExitAsync();

        Assert.Equal(2, exit);
        Assert.Contains("Refusing to listen on 0.0.0.0 without an API key", server.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", server.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_KestrelEndpointsAndUrlsFromTheEnvironment_AreNotBound()
    {
        int port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Open__Url"] = $"http://0.0.0.0:{port}",
            ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{port}",
        };
        using var server = new ServerProcess(environment, "--model-path", TestModelCache.GetOrBuild("tiny"), "--port", "0");

        var url = await server.WaitForUrlAsync();
        using var probe = new System.Net.Sockets.TcpClient();
        var refused = await Record.ExceptionAsync(() => probe.ConnectAsync(IPAddress.Loopback, port));
        server.Terminate();
        int exit = await server.WaitForExitAsync();

        // 0.0.0.0 would accept on 127.0.0.1 too: the connection is refused because that endpoint was never bound.
        Assert.Equal("127.0.0.1", url.Host);
        Assert.NotEqual(port, url.Port);
        Assert.IsType<System.Net.Sockets.SocketException>(refused);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task StartAsync_AnOpenEndpointAddedBesideTheBindWithoutKey_IsRefusedAfterStartAndNotServed()
    {
        int port = FreePort();

        var error = await Assert.ThrowsAsync<Phi3ServerException>(() => ServerFixture.StartAsync(o => o.ConfigureKestrel = k => k.Listen(IPAddress.Any, port)));
        using var probe = new System.Net.Sockets.TcpClient();
        var refused = await Record.ExceptionAsync(() => probe.ConnectAsync(IPAddress.Loopback, port));

        Assert.Contains($"Refusing to listen on http://0.0.0.0:{port} without an API key", error.Message, StringComparison.Ordinal);
        Assert.IsType<System.Net.Sockets.SocketException>(refused);
    }

    [Fact]
    public async Task Process_KeyFromTheEnvironmentOnAnOpenBind_IsRequiredAndNeverLogged()
    {
        const string Key = "env-key-5d2a91c7";
        var environment = new Dictionary<string, string> { [Phi3ServerOptions.ApiKeyVariable] = Key };
        using var server = new ServerProcess(environment, "--model-path", TestModelCache.GetOrBuild("tiny"), "--host", "0.0.0.0", "--port", "0", "--log", "trace");
        var url = new Uri($"http://127.0.0.1:{(await server.WaitForUrlAsync()).Port}/");
        using var without = ServerFixture.RawHttp(url, key: null);
        using var wrong = ServerFixture.RawHttp(url, "not-" + Key);
        using var with = ServerFixture.RawHttp(url, Key);
        for (int i = 0; i < 300 && (await with.GetAsync("health")).StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
        }

        var statuses = new[]
        {
            (await without.GetAsync("v1/models")).StatusCode,
            (await wrong.GetAsync("v1/models")).StatusCode,
            (await with.PostAsync("v1/chat/completions", JsonBody("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":1}"""))).StatusCode,
        };
        server.Terminate();
        int exit = await server.WaitForExitAsync();

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK], statuses);
        Assert.Equal(0, exit);
        Assert.Contains("API key required", server.Stdout, StringComparison.Ordinal);
        Assert.Contains("missing or wrong API key", server.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, server.Stdout + server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_SigtermDuringAStream_PrintsUrlFinishesTheStreamThenExitsZero()
    {
        // The gated client's stream sends one piece, then waits for the SIGTERM: the drain must begin mid-stream.
        using var server = new ServerProcess("--gated", "true", "--port", "0", "--api-key", "k1", "--log", "information");
        var url = await server.WaitForUrlAsync();
        Assert.Equal("127.0.0.1", url.Host);
        using var http = ServerFixture.RawHttp(url, "k1");

        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonBody("""{"messages":[{"role":"user","content":"Tell me a story."}],"stream":true}"""),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? first = await reader.ReadLineAsync();
        Assert.StartsWith("data: ", first, StringComparison.Ordinal);

        server.Terminate();
        var events = new List<string> { first! };
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                events.Add(line);
            }
        }

        int exit = await server.WaitForExitAsync();
        string id = response.Headers.GetValues("x-request-id").Single();
        string log = server.Stdout;
        int draining = log.IndexOf("draining requests in progress", StringComparison.Ordinal);
        int finished = log.IndexOf($"Request {id}: 200", StringComparison.Ordinal);

        // The drain began while the stream was still being generated, and the stream ended complete.
        Assert.True(draining >= 0 && finished > draining, $"the stream did not finish during the drain: {log}");
        Assert.Equal("data: [DONE]", events[^1]);
        var deltas = events[..^1].Select(e => Parse(e["data: ".Length..]).GetProperty("choices")[0]).ToList();
        Assert.Equal("first second", string.Concat(deltas.Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : null)));
        Assert.Equal("length", deltas[^1].GetProperty("finish_reason").GetString());
        Assert.Equal(0, exit);
        Assert.Contains("phi3 serve stopped", server.Stdout, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("health"));
    }

    [Fact]
    public async Task StartAsync_EnvironmentKeyAndPortZero_ListensOnLoopbackAndRequiresTheKey()
    {
        await using var server = await ServerFixture.StartAsync(o => o.ApiKey = "from-options");
        using var without = ServerFixture.RawHttp(server.Url, key: null);
        using var with = ServerFixture.RawHttp(server.Url, "from-options");

        Assert.Equal("127.0.0.1", server.Url.Host);
        Assert.NotEqual(0, server.Url.Port);
        Assert.Equal(HttpStatusCode.Unauthorized, (await without.GetAsync("v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await with.GetAsync("v1/models")).StatusCode);
    }

    [Fact]
    public async Task Cors_OffByDefault_OnForTheListedOrigin()
    {
        await using var closed = await ServerFixture.StartAsync();
        await using var open = await ServerFixture.StartAsync(o => o.CorsOrigins = ["http://app.local:3000"]);

        Assert.False((await PreflightAsync(closed.Url)).Headers.Contains("Access-Control-Allow-Origin"));
        var allowed = await PreflightAsync(open.Url);
        Assert.Equal("http://app.local:3000", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task OpenTelemetry_ChatRequest_EmitsTheChatActivityUnderTheHttpRequestActivity()
    {
        var activities = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or Phi3Server.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await ServerFixture.StartAsync();
        await server.LoadAsync();

        ChatCompletion result = await ServerFixture.OpenAIChat(new Uri(server.Url, "v1"), Path.GetFileName(TestModelCache.GetOrBuild("tiny")), key: null)
            .CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 7 });

        // Other tests' servers run at the same time: this request is the one that asked for 7 tokens.
        var chat = Assert.Single(activities, a => a.Source.Name == Phi3Server.ActivitySourceName && Equals(a.GetTagItem("gen_ai.request.max_tokens"), 7));
        var request = Assert.Single(activities, a => a.Source.Name == "Microsoft.AspNetCore" && a.SpanId == chat.ParentSpanId);
        Assert.StartsWith("chat", chat.DisplayName, StringComparison.Ordinal);
        Assert.Equal(7L, Convert.ToInt64(chat.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(request.TraceId, chat.TraceId);
        Assert.Equal(7, result.Usage.OutputTokenCount);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<HttpResponseMessage> PreflightAsync(Uri url)
    {
        using var http = ServerFixture.RawHttp(url, key: null);
        var preflight = new HttpRequestMessage(HttpMethod.Options, "v1/chat/completions");
        preflight.Headers.Add("Origin", "http://app.local:3000");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await http.SendAsync(preflight);
    }
}
