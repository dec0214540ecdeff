using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text.RegularExpressions;
using OpenAI;
using OpenAI.Chat;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>
/// <c>phi3 serve</c> run as a child process on a free port: waits for the URL it prints, then for <c>/health</c> to
/// answer 200 (the model loads after the server listens). Disposing kills it if it still runs.
/// </summary>
internal sealed partial class ServeProcess : IDisposable
{
    private ServeProcess(Phi3Process process, Uri url)
    {
        Process = process;
        Url = url;
    }

    public Phi3Process Process { get; }

    /// <summary>Gets the address printed, with a wildcard host (<c>0.0.0.0</c>) replaced by loopback.</summary>
    public Uri Url { get; }

    public Uri BaseUrl => new(Url, "v1");

    /// <summary>Starts <c>phi3 serve --port 0 ARGS</c> and waits until the model answers.</summary>
    public static async Task<ServeProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var process = Phi3Process.Start(environment, ["serve", "--port", "0", .. args]);
        try
        {
            await process.WaitUntilAsync((stdout, _) => Listening().IsMatch(stdout), "the listening line");
            var url = new Uri(Listening().Match(process.Stdout).Groups[1].Value.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
            var serve = new ServeProcess(process, url);
            await serve.WaitForHealthAsync();
            return serve;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>The official OpenAI client for the served model, without retries.</summary>
    public ChatClient OpenAIChat(string model, string? key) =>
        new(model, new ApiKeyCredential(key ?? "none"), new OpenAIClientOptions { Endpoint = BaseUrl, RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromSeconds(60) });

    public void Dispose() => Process.Dispose();

    private async Task WaitForHealthAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + Phi3Process.Timeout;
        while (true)
        {
            using var response = await http.GetAsync(new Uri(Url, "health"));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline && !Process.HasExited, $"/health never answered 200 (last {response.StatusCode}). stderr: {Process.Stderr}");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"phi3 serve listening on (http://\S+/) ")]
    private static partial Regex Listening();
}
