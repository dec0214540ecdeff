using Microsoft.Extensions.Hosting;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>Starts loading the served model when the host starts, without delaying the start: <c>/health</c> answers 503 until it is loaded.</summary>
internal sealed class ModelPreloadService : IHostedService
{
    private readonly OpenAIEndpointContext _endpoint;

    public ModelPreloadService(OpenAIEndpointContext endpoint) => _endpoint = endpoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _endpoint.Readiness.EnsureLoading();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
