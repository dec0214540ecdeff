using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.Provisioning;
using Phi3.OnnxSdk.Server.Serving;

namespace Phi3.OnnxSdk.Server.Hosting;

/// <summary>
/// The <c>phi3 serve</c> host: Kestrel with the OpenAI-compatible endpoints over a lazily loaded Phi-3 chat client (or
/// the remote provider, per <see cref="Phi3Options.Placement"/>), with OpenTelemetry through ASP.NET Core's and
/// Microsoft.Extensions.AI's activity sources. The model loads in the background once the server listens; <c>/health</c>
/// answers 503 until it is loaded.
/// </summary>
/// <remarks>
/// <see cref="RunAsync"/> is the whole command: start, print the URL, run until SIGINT/SIGTERM (or the token), drain.
/// <see cref="StartAsync(Phi3ServerOptions, CancellationToken)"/> is for hosting it in a process that controls its lifetime (tests, benchmarks). Thread-safe.
/// </remarks>
public sealed class Phi3Server : IAsyncDisposable
{
    /// <summary>The activity source name Microsoft.Extensions.AI's <c>UseOpenTelemetry</c> uses here.</summary>
    public const string ActivitySourceName = "Phi3.OnnxSdk.Server";

    private readonly WebApplication _app;
    private readonly TimeSpan _shutdownTimeout;
    private int _stopped;

    private Phi3Server(WebApplication app, Uri url, TimeSpan shutdownTimeout)
    {
        _app = app;
        Url = url;
        _shutdownTimeout = shutdownTimeout;
    }

    /// <summary>Gets the address the server listens on, for example <c>http://127.0.0.1:8000/</c>; the OpenAI base URL is this plus <c>v1</c>.</summary>
    public Uri Url { get; }

    /// <summary>Gets the server's services (the chat client, the endpoint context).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the server, prints <c>phi3 serve listening on URL</c> to <see cref="Phi3ServerOptions.Output"/>, waits until
    /// SIGINT or SIGTERM (or <paramref name="cancellationToken"/>), then stops taking connections and lets the requests in
    /// progress finish (up to <see cref="Phi3ServerOptions.ShutdownTimeout"/>). A model that fails to load stops the server
    /// and is rethrown.
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <param name="cancellationToken">Stops the server as a signal does.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="Phi3ServerException">A non-loopback address or the CORS origin <c>*</c> without an API key, or the host or port is invalid, or the address is not this machine's.</exception>
    /// <exception cref="IOException">The port is in use.</exception>
    /// <remarks>Also throws what <see cref="Phi3ModelProvisioner.CreateClientAsync"/> throws when the model cannot be loaded.</remarks>
    public static async Task RunAsync(Phi3ServerOptions options, CancellationToken cancellationToken = default) =>
        await RunCoreAsync(await StartAsync(options, cancellationToken).ConfigureAwait(false), options, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs the server over a client built elsewhere (the test host's gated client) until a signal or <paramref name="cancellationToken"/>.</summary>
    internal static async Task RunOverAsync(IChatClient client, Phi3ServerOptions options, CancellationToken cancellationToken = default) =>
        await RunCoreAsync(await StartAsync(client, options, cancellationToken).ConfigureAwait(false), options, cancellationToken).ConfigureAwait(false);

    private static async Task RunCoreAsync(Phi3Server server, Phi3ServerOptions options, CancellationToken cancellationToken)
    {
        await using var disposeServer = server.ConfigureAwait(false);
        (options.Output ?? Console.Out).WriteLine($"phi3 serve listening on {server.Url} (OpenAI base URL {server.Url}v1)");
        var lifetime = server._app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = Task.Delay(Timeout.Infinite, lifetime.ApplicationStopping).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        var load = server.LoadAsync();
        var first = await Task.WhenAny(stopping, cancelled, load).ConfigureAwait(false);
        if (first == load && load.IsFaulted)
        {
            await server.StopAsync().ConfigureAwait(false);
            await load.ConfigureAwait(false);
        }

        if (first == load)
        {
            await Task.WhenAny(stopping, cancelled).ConfigureAwait(false);
        }

        await server.StopAsync().ConfigureAwait(false);
    }

    /// <summary>Starts the server and returns once it listens; the model loads in the background.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it (or call <see cref="StopAsync"/>) to stop it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="Phi3ServerException">A non-loopback address or the CORS origin <c>*</c> without an API key, or the host or port is invalid, or the address is not this machine's.</exception>
    /// <exception cref="IOException">The port is in use.</exception>
    public static Task<Phi3Server> StartAsync(Phi3ServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var model = ServedOptions(options.Model);
        return StartCoreAsync(
            options,
            services => new Phi3LazyChatClient(model, services.GetRequiredService<ILoggerFactory>().CreateLogger<Phi3LazyChatClient>(), options.HardwareProbe),
            cancellationToken);
    }

    /// <summary>
    /// A copy of the caller's options for the served client: a tool call whose arguments break its schema is returned
    /// (with the call's <c>Exception</c>) rather than dropped, unless <see cref="Phi3ChatClientOptions.InvalidToolCalls"/>
    /// is set, as OpenAI's non-strict tools return such a call and leave validation to the caller (docs/scale-out.md).
    /// </summary>
    internal static Phi3Options ServedOptions(Phi3Options? model)
    {
        var served = model?.Clone() ?? new Phi3Options();
        served.ChatClient.InvalidToolCalls ??= Phi3InvalidToolCalls.Return;
        return served;
    }

    /// <summary>Starts the server over a client built elsewhere (benchmarks); the server disposes it when it is disposed.</summary>
    internal static Task<Phi3Server> StartAsync(IChatClient client, Phi3ServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        return StartCoreAsync(options, _ => client, cancellationToken);
    }

    private static async Task<Phi3Server> StartCoreAsync(Phi3ServerOptions options, Func<IServiceProvider, IChatClient> client, CancellationToken cancellationToken)
    {
        string? apiKey = options.ApiKey is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable(Phi3ServerOptions.ApiKeyVariable) is { Length: > 0 } env ? env : null;
        var endpoint = Listen(options, apiKey);
        if (apiKey is null && options.CorsOrigins?.Any(o => o.Trim() == "*") == true)
        {
            throw new Phi3ServerException(
                "Refusing the CORS origin '*' without an API key: any web page the user opens could then use this server. List the origins that may call it (for example --cors http://localhost:3000), or set an API key (--api-key or PHI3_API_KEY).");
        }

        var shutdownTimeout = options.ShutdownTimeout ?? TimeSpan.FromSeconds(30);
        var model = options.Model ?? new Phi3Options();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "phi3-serve", Args = [] });

        // Configured by its options alone: appsettings.json, ASPNETCORE_URLS and Kestrel__Endpoints__* variables would
        // otherwise add endpoints that the bind check above never saw.
        builder.Configuration.Sources.Clear();
        if (options.ConfigureLogging is { } configureLogging)
        {
            builder.Logging.ClearProviders();
            configureLogging(builder.Logging);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(endpoint);
            options.ConfigureKestrel?.Invoke(kestrel);
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = shutdownTimeout);
        builder.Services.AddChatClient(client).UseOpenTelemetry(sourceName: ActivitySourceName);
        var limits = options.Endpoints ?? new Phi3OpenAIEndpointOptions();
        builder.Services.AddPhi3OpenAIEndpoints(endpoints =>
        {
            endpoints.ApiKey = apiKey;
            endpoints.MaxRequestBodyBytes = limits.MaxRequestBodyBytes;
            endpoints.MaxConcurrentRequests = limits.MaxConcurrentRequests ?? model.ChatClient?.MaxConcurrentGenerations;
            endpoints.MaxQueuedRequests = limits.MaxQueuedRequests;
            endpoints.MaxOutputTokens = limits.MaxOutputTokens;
            endpoints.ClientDefaultOutputTokens = model.ChatClient?.MaxOutputTokens;
            endpoints.RetryAfterSeconds = limits.RetryAfterSeconds;
            endpoints.ModelId = limits.ModelId ?? Phi3ModelProvisioner.ModelIdOf(model);
        });
        bool cors = options.CorsOrigins is { Count: > 0 };
        if (cors)
        {
            builder.Services.AddCors(c => c.AddDefaultPolicy(p => p.WithOrigins([.. options.CorsOrigins!]).AllowAnyHeader().WithMethods("GET", "POST")));
        }

        var app = builder.Build();

        // What no route takes (an unknown path: 404; a known path with another method: 405) still answers in OpenAI's shape.
        app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed
            ? OpenAIErrors.WriteAsync(context.HttpContext, OpenAIErrors.NoRoute(context.HttpContext.Response.StatusCode, context.HttpContext.Request.Method, context.HttpContext.Request.Path.Value ?? "/"))
            : Task.CompletedTask);
        if (cors)
        {
            app.UseCors();
        }

        app.MapPhi3OpenAIEndpoints();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SocketErrorOf(ex) is System.Net.Sockets.SocketError.AddressNotAvailable)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new Phi3ServerException(
                $"Cannot listen on {endpoint.Address}: it is not an address of this machine. Use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of this machine's addresses.", ex);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (apiKey is null && addresses.FirstOrDefault(a => !BindAddress.IsLoopbackUrl(a)) is { } open)
        {
            // A second line of defence: whatever added it, an endpoint beyond this machine without a key is not served.
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw new Phi3ServerException(Refusal(open));
        }

        var url = new Uri(addresses.FirstOrDefault() ?? $"http://{endpoint}", UriKind.Absolute);
        url = new Uri(url.GetLeftPart(UriPartial.Authority) + "/");
        var context = app.Services.GetRequiredService<OpenAIEndpointContext>();
        var logger = context.Logger;
        string servedId = context.ServedModelId;
        string keyState = apiKey is null ? "not required" : "required";
        string listening = url.ToString();
        ServerLog.Listening(logger, listening, keyState, servedId);
        return new Phi3Server(app, url, shutdownTimeout);
    }

    /// <summary>Waits for the model to load (or the remote client to be created).</summary>
    /// <returns>A task that fails as the load does.</returns>
    public async Task LoadAsync()
    {
        if (_app.Services.GetRequiredService<IChatClient>().GetService<Phi3LazyChatClient>() is { } lazy)
        {
            await lazy.GetClientAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops taking connections and waits for the requests in progress (up to the shutdown timeout), then frees the model. Idempotent.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        var logger = _app.Services.GetRequiredService<OpenAIEndpointContext>().Logger;
        double seconds = _shutdownTimeout.TotalSeconds;
        ServerLog.Draining(logger, seconds);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>) and disposes it.</summary>
    /// <returns>A task that completes when the server is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static IPEndPoint Listen(Phi3ServerOptions options, string? apiKey)
    {
        string host = options.Host is { Length: > 0 } h ? h : "127.0.0.1";
        int port = options.Port ?? Phi3ServerOptions.DefaultPort;
        if (port is < 0 or > 65535)
        {
            throw new Phi3ServerException(string.Create(CultureInfo.InvariantCulture, $"The port {port} is out of range; use 1 to 65535, or 0 for any free port."));
        }

        IPAddress address;
        try
        {
            address = BindAddress.Parse(host);
        }
        catch (ArgumentException ex)
        {
            // The message alone: .NET's " (Parameter 'host')" suffix means nothing to whoever typed --host.
            string message = ex.ParamName is { } name ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message;
            throw new Phi3ServerException(message, ex);
        }

        if (!BindAddress.IsLoopback(address) && apiKey is null)
        {
            throw new Phi3ServerException(Refusal(host));
        }

        return new IPEndPoint(address, port);
    }

    private static System.Net.Sockets.SocketError? SocketErrorOf(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is System.Net.Sockets.SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }

    private static string Refusal(string where) =>
        $"Refusing to listen on {where} without an API key: every machine that can reach this one could use the model. " +
        $"Set a key (--api-key, or the {Phi3ServerOptions.ApiKeyVariable} environment variable), or listen on 127.0.0.1 (the default).";
}
