using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;
using Phi3.OnnxSdk.Server.Hosting;
using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Tests.DependencyInjection;

namespace Phi3.OnnxSdk.Server.Tests;

/// <summary>
/// One <c>phi3 serve</c> (<see cref="Phi3Server"/>) on 127.0.0.1 and a free port over the synthetic tiny model, with an
/// API key, shared by the tests of <see cref="ServerGroup"/>; and the in-process client over the same model folder to
/// compare with.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string ApiKey = "test-key-6b1f0c2e9d";

    private Phi3Server? _server;

    public string ModelFolder { get; } = TestModelCache.GetOrBuild("tiny");

    internal CapturingLoggerProvider Logs { get; } = new();

    public Phi3Server Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Gets the OpenAI base URL, <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri BaseUrl => new(Server.Url, "v1");

    public string ModelId => Path.GetFileName(ModelFolder);

    /// <summary>Gets the in-process client over the same model folder (its own load).</summary>
    public Phi3ChatClient Local { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Local = new Phi3ChatClient(ModelFolder);
        _server = await StartAsync(o => o.ApiKey = ApiKey, Logs);
        await _server.LoadAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Local.Dispose();
    }

    /// <summary>Starts a server of its own over the tiny model on a free loopback port.</summary>
    internal static Task<Phi3Server> StartAsync(Action<Phi3ServerOptions>? configure = null, CapturingLoggerProvider? logs = null)
    {
        var options = new Phi3ServerOptions
        {
            Port = 0,
            Output = TextWriter.Null,
            ConfigureLogging = logging =>
            {
                logging.SetMinimumLevel(LogLevel.Trace);
                if (logs is not null)
                {
                    logging.AddProvider(logs);
                }
            },
        };
        options.Model.ModelPath = TestModelCache.GetOrBuild("tiny");
        configure?.Invoke(options);
        return Phi3Server.StartAsync(options);
    }

    /// <summary>The official OpenAI client for <paramref name="baseUrl"/>, without retries (so a 429 is seen as it is).</summary>
    public static ChatClient OpenAIChat(Uri baseUrl, string model, string? key = ApiKey) =>
        new(model, new ApiKeyCredential(key ?? "none"), new OpenAIClientOptions { Endpoint = baseUrl, RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromSeconds(60) });

    public ChatClient OpenAIChat(string? key = ApiKey) => OpenAIChat(BaseUrl, ModelId, key);

    /// <summary>A raw HTTP client for the server, with the key unless told otherwise.</summary>
    public HttpClient Http(string? key = ApiKey) => RawHttp(Server.Url, key);

    public static HttpClient RawHttp(Uri url, string? key = ApiKey)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }
}
