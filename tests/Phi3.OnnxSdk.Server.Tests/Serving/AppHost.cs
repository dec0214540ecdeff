using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>An ordinary ASP.NET Core app on 127.0.0.1 and a free port that hosts <c>MapPhi3OpenAIEndpoints</c> over a given client.</summary>
internal sealed class AppHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AppHost(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public Uri BaseUrl => new(Url, "v1");

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app on <paramref name="listen"/> (default 127.0.0.1) and a free port, logging to <paramref name="logs"/> when given.</summary>
    public static async Task<AppHost> StartAsync(IChatClient client, Action<Phi3OpenAIEndpointOptions>? configure = null, IPAddress? listen = null, ILoggerProvider? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.WebHost.ConfigureKestrel(k => k.Listen(listen ?? IPAddress.Loopback, 0));
        builder.Services.AddChatClient(client);
        builder.Services.AddPhi3OpenAIEndpoints(configure);
        var app = builder.Build();
        app.MapPhi3OpenAIEndpoints();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new AppHost(app, new Uri($"http://127.0.0.1:{address.Port}/"));
    }

    public HttpClient Http() => ServerFixture.RawHttp(Url, key: null);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
