using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Phi3.OnnxSdk.Server;
using Phi3.OnnxSdk.Server.Serving;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what <c>MapPhi3OpenAIEndpoints</c> needs.</summary>
/// <remarks>
/// The endpoints serve the container's <see cref="Microsoft.Extensions.AI.IChatClient"/> (or the keyed one named by
/// <see cref="Phi3OpenAIEndpointOptions.ChatClientKey"/>), for example the one <c>AddPhi3ChatClient</c> registers with its
/// pipeline (<c>.UseOpenTelemetry()</c>, <c>.UseFunctionInvocation()</c> is not wanted here: the remote caller runs its
/// own tools). A <see cref="Phi3.OnnxSdk.Phi3LazyChatClient"/> starts loading when the host starts, without delaying it.
/// </remarks>
public static class Phi3OpenAIServiceCollectionExtensions
{
    /// <summary>Registers the OpenAI-compatible endpoints' services and options.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (API key, limits); <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddPhi3OpenAIEndpoints(this IServiceCollection services, Action<Phi3OpenAIEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<Phi3OpenAIEndpointOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services);
    }

    /// <summary>Registers the OpenAI-compatible endpoints' services, with options bound from a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section whose keys are <see cref="Phi3OpenAIEndpointOptions"/> property names.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddPhi3OpenAIEndpoints(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<Phi3OpenAIEndpointOptions>().Bind(configuration);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddSingleton<OpenAIEndpointContext>();
        services.AddHostedService<ModelPreloadService>();
        return services;
    }
}
