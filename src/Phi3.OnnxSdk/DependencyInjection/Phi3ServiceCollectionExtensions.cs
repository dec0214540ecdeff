using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Phi3.OnnxSdk;
using Phi3.OnnxSdk.DependencyInjection;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Provisioning;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a Phi-3 <see cref="IChatClient"/> in an <see cref="IServiceCollection"/>: local, or the remote provider
/// (an OpenAI-compatible endpoint through Microsoft.Extensions.AI.OpenAI) when <see cref="Phi3Options.Placement"/> and
/// <see cref="Phi3Options.Remote"/> say so, behind the same builder pipeline.
/// </summary>
/// <remarks>
/// <para>
/// Each registration adds a singleton <see cref="Phi3LazyChatClient"/> (keyed when a service key is given) and an
/// <see cref="IChatClient"/> built by the returned <see cref="ChatClientBuilder"/> over it, so middleware chains:
/// <c>.UseLogging()</c>, <c>.UseOpenTelemetry()</c>, <c>.UseFunctionInvocation()</c>.
/// </para>
/// <para>
/// The default is lazy: nothing is resolved, downloaded or loaded at registration or when the container is built; the
/// model loads on the first request (see <see cref="Phi3LazyChatClient"/>; concurrent first requests share one load,
/// a failed load is retried by the next request). To load at application start instead, add
/// <see cref="AddPhi3ChatClientWarmup"/> (or <see cref="AddKeyedPhi3ChatClientWarmup"/>): the host then waits for the
/// load and fails to start if it fails.
/// </para>
/// <para>
/// The options are the named <see cref="Phi3Options"/> options: <see cref="Microsoft.Extensions.Options.Options.DefaultName"/> for the unkeyed
/// client, the service key's <see cref="object.ToString"/> for a keyed one; <c>services.Configure&lt;Phi3Options&gt;(name, ...)</c>
/// also applies. They are read once, when the client is first resolved. The resolver's decision, download progress,
/// the load time and load failures are logged through the container's <see cref="ILoggerFactory"/> (category
/// <c>Phi3.OnnxSdk.Phi3LazyChatClient</c>). An <see cref="IHardwareProbe"/> in the container, if any, replaces the
/// probe of this machine. Disposing the container disposes the client and frees the model.
/// </para>
/// </remarks>
public static class Phi3ServiceCollectionExtensions
{
    /// <summary>Registers a Phi-3 chat client as the <see cref="IChatClient"/> singleton. The model loads on first use.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="configure">Sets the options (model folder or family, provider, client defaults); <see langword="null"/> for the defaults.</param>
    /// <returns>A builder to add middleware to, for example <c>.UseLogging().UseFunctionInvocation()</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddPhi3ChatClient(this IServiceCollection services, Action<Phi3Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return AddCore(services, serviceKey: null, configuration: null, configure);
    }

    /// <summary>
    /// Registers a Phi-3 chat client as the <see cref="IChatClient"/> singleton, with options bound from a configuration
    /// section (for example <c>builder.Configuration.GetSection("Phi3")</c>). The model loads on first use.
    /// </summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="configuration">The section whose keys are <see cref="Phi3Options"/> property names (<c>ModelPath</c>, <c>Model</c>, <c>Provider</c>, <c>ChatClient:MaxOutputTokens</c>, <c>Hub:Offline</c>, <c>Placement</c>, <c>Remote:Endpoint</c>, <c>Remote:ApiKey</c>, <c>Remote:Model</c>, ...).</param>
    /// <param name="configure">Applied after binding; <see langword="null"/> for none.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <remarks>A value that does not convert (for example <c>MaxOutputTokens: "many"</c>) throws <see cref="InvalidOperationException"/> when the client is first resolved.</remarks>
    public static ChatClientBuilder AddPhi3ChatClient(this IServiceCollection services, IConfiguration configuration, Action<Phi3Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, serviceKey: null, configuration, configure);
    }

    /// <summary>
    /// Registers a Phi-3 chat client as a keyed <see cref="IChatClient"/> singleton (resolve it with
    /// <c>GetRequiredKeyedService&lt;IChatClient&gt;(serviceKey)</c> or <c>[FromKeyedServices]</c>). The model loads on first use.
    /// </summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="serviceKey">The key; its <see cref="object.ToString"/> also names the <see cref="Phi3Options"/> options.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> for the defaults.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="serviceKey"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedPhi3ChatClient(this IServiceCollection services, object serviceKey, Action<Phi3Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        return AddCore(services, serviceKey, configuration: null, configure);
    }

    /// <summary>Registers a Phi-3 chat client as a keyed <see cref="IChatClient"/> singleton, with options bound from a configuration section. The model loads on first use.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="serviceKey">The key; its <see cref="object.ToString"/> also names the <see cref="Phi3Options"/> options.</param>
    /// <param name="configuration">The section whose keys are <see cref="Phi3Options"/> property names.</param>
    /// <param name="configure">Applied after binding; <see langword="null"/> for none.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedPhi3ChatClient(this IServiceCollection services, object serviceKey, IConfiguration configuration, Action<Phi3Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, serviceKey, configuration, configure);
    }

    /// <summary>
    /// Loads the unkeyed Phi-3 chat client when the host starts (an <see cref="IHostedService"/>) instead of on first
    /// use, then warms its first-request memory (<see cref="Phi3ChatClient.WarmUpAsync"/>). The host's start waits for
    /// both, so requests never pay for them, and a load failure stops the start.
    /// </summary>
    /// <param name="services">The services, where <see cref="AddPhi3ChatClient(IServiceCollection, Action{Phi3Options}?)"/> is (or will be) called.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>When no Phi-3 chat client is registered, the host's start throws <see cref="InvalidOperationException"/>.</remarks>
    public static IServiceCollection AddPhi3ChatClientWarmup(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IHostedService>(sp => CreateWarmup(sp, serviceKey: null));
        return services;
    }

    /// <summary>Loads the keyed Phi-3 chat client when the host starts instead of on first use (see <see cref="AddPhi3ChatClientWarmup"/>).</summary>
    /// <param name="services">The services, where <see cref="AddKeyedPhi3ChatClient(IServiceCollection, object, Action{Phi3Options}?)"/> is (or will be) called with the same key.</param>
    /// <param name="serviceKey">The key of the client to load.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="serviceKey"/> is <see langword="null"/>.</exception>
    /// <remarks>When no Phi-3 chat client is registered under <paramref name="serviceKey"/>, the host's start throws <see cref="InvalidOperationException"/>.</remarks>
    public static IServiceCollection AddKeyedPhi3ChatClientWarmup(this IServiceCollection services, object serviceKey)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        services.AddSingleton<IHostedService>(sp => CreateWarmup(sp, serviceKey));
        return services;
    }

    private static ChatClientBuilder AddCore(IServiceCollection services, object? serviceKey, IConfiguration? configuration, Action<Phi3Options>? configure)
    {
        string optionsName = serviceKey is null ? Options.Options.DefaultName : OptionsName(serviceKey);
        var options = services.AddOptions<Phi3Options>(optionsName);
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (serviceKey is null)
        {
            services.AddSingleton(sp => CreateLazyClient(sp, optionsName));
            return services.AddChatClient(sp => sp.GetRequiredService<Phi3LazyChatClient>());
        }

        services.AddKeyedSingleton(serviceKey, (sp, _) => CreateLazyClient(sp, optionsName));
        return services.AddKeyedChatClient(serviceKey, sp => sp.GetRequiredKeyedService<Phi3LazyChatClient>(serviceKey));
    }

    private static string OptionsName(object serviceKey) =>
        serviceKey.ToString() ?? throw new ArgumentException("The service key's ToString() returned null; it names the Phi3Options options.", nameof(serviceKey));

    private static Phi3LazyChatClient CreateLazyClient(IServiceProvider services, string optionsName)
    {
        var options = services.GetRequiredService<IOptionsMonitor<Phi3Options>>().Get(optionsName);
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<Phi3LazyChatClient>() ?? (ILogger)NullLogger.Instance;
        return new Phi3LazyChatClient(options, logger, services.GetService<IHardwareProbe>());
    }

    private static Phi3WarmupService CreateWarmup(IServiceProvider services, object? serviceKey)
    {
        var client = serviceKey is null
            ? services.GetService<Phi3LazyChatClient>()
            : services.GetKeyedService<Phi3LazyChatClient>(serviceKey);
        if (client is null)
        {
            string which = serviceKey is null ? "services.AddPhi3ChatClient(...)" : $"services.AddKeyedPhi3ChatClient(\"{serviceKey}\", ...)";
            throw new InvalidOperationException($"The Phi-3 warm-up found no Phi-3 chat client to load. Call {which} as well.");
        }

        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<Phi3LazyChatClient>() ?? (ILogger)NullLogger.Instance;
        return new Phi3WarmupService(client, logger, serviceKey);
    }
}
