using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Phi3.OnnxSdk.Server.Hosting;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>
/// Starts loading the served model when the host starts, without delaying the start (<c>/health</c> answers 503 until it
/// is loaded); and once the app listens, warns when it listens beyond this machine while the endpoints require no key
/// (an app hosting <c>MapPhi3OpenAIEndpoints</c> chooses its own addresses, so this is a warning, not a refusal).
/// </summary>
internal sealed class ModelPreloadService : IHostedService
{
    private readonly OpenAIEndpointContext _endpoint;
    private readonly IServiceProvider _services;
    private CancellationTokenRegistration _started;

    public ModelPreloadService(OpenAIEndpointContext endpoint, IServiceProvider services)
    {
        _endpoint = endpoint;
        _services = services;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _endpoint.Readiness.EnsureLoading();
        if (_endpoint.Options.ApiKey is not { Length: > 0 } && _services.GetService<IHostApplicationLifetime>() is { } lifetime)
        {
            _started = lifetime.ApplicationStarted.Register(WarnIfOpen);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _started.Dispose();
        return Task.CompletedTask;
    }

    private void WarnIfOpen()
    {
        var addresses = _services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (string address in addresses.Where(a => !BindAddress.IsLoopbackUrl(a)))
        {
            ServerLog.OpenWithoutKey(_endpoint.Logger, address);
        }
    }
}
