using System.Net;
using OpenAI.Chat;
using Phi3.OnnxSdk.Server.Tests.Hosting;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>
/// The test host (<c>phi3 serve</c> as a child process, so that image decoding, which is native, cannot take the test
/// run down) over the synthetic tiny-vision model on a free loopback port, and the in-process client over the same
/// model folder to compare with.
/// </summary>
public sealed class VisionServer : IAsyncLifetime, IDisposable
{
    private const string ApiKey = "vision-key-3c9e41ab";

    private ServerProcess? _process;

    public string ModelFolder { get; } = TestModelCache.GetOrBuild("tiny-vision");

    public Uri Url { get; private set; } = null!;

    /// <summary>Gets the in-process client over the same model folder (its own load).</summary>
    public Phi3ChatClient Local { get; private set; } = null!;

    /// <summary>Gets what the server process wrote, for failure messages.</summary>
    public string Output => _process is null ? string.Empty : $"stdout: {_process.Stdout} stderr: {_process.Stderr}";

    public async Task InitializeAsync()
    {
        Local = new Phi3ChatClient(ModelFolder);
        _process = new ServerProcess("--model-path", ModelFolder, "--port", "0", "--api-key", ApiKey);
        Url = await _process.WaitForUrlAsync();
        using var http = Http();
        for (int i = 0; i < 600 && (await http.GetAsync("health")).StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
        }
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _process?.Dispose();
        _process = null;
        Local?.Dispose();
    }

    public ChatClient OpenAIChat() => ServerFixture.OpenAIChat(new Uri(Url, "v1"), Path.GetFileName(ModelFolder), ApiKey);

    public HttpClient Http() => ServerFixture.RawHttp(Url, ApiKey);
}
