using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk.Server.Hosting;

/// <summary>
/// Settings of <see cref="Phi3Server"/> (what <c>phi3 serve</c> passes). Every property is optional:
/// <see langword="null"/> means the default.
/// </summary>
/// <remarks>
/// Read once, when the server starts; not thread-safe to mutate. These options are the server's whole configuration:
/// <c>appsettings.json</c>, <c>ASPNETCORE_URLS</c> and <c>Kestrel__*</c> environment variables are not read, so nothing
/// but <see cref="Host"/> and <see cref="Port"/> adds an endpoint; and after the start every address Kestrel listens on is
/// checked again (a non-loopback one without a key stops the server with <see cref="Phi3ServerException"/>).
/// </remarks>
public sealed class Phi3ServerOptions
{
    /// <summary>Environment variable read for <see cref="ApiKey"/> when it is not set.</summary>
    public const string ApiKeyVariable = "PHI3_API_KEY";

    /// <summary>The default of <see cref="Port"/>.</summary>
    public const int DefaultPort = 8000;

    /// <summary>
    /// Gets or sets the address to listen on: an IP address (<c>127.0.0.1</c>, <c>::1</c>, <c>0.0.0.0</c>, <c>::</c>, an
    /// interface's address; an IPv4-mapped one such as <c>::ffff:127.0.0.1</c> means its IPv4 address), <c>localhost</c>,
    /// or a host name, which listens on the first address it resolves to. Anything but loopback needs an
    /// <see cref="ApiKey"/>: without one the start is refused. Default: <c>127.0.0.1</c>.
    /// </summary>
    public string? Host { get; set; }

    /// <summary>Gets or sets the TCP port; 0 picks a free one (see <see cref="Phi3Server.Url"/>). Default: 8000.</summary>
    public int? Port { get; set; }

    /// <summary>
    /// Gets or sets the key clients must send as <c>Authorization: Bearer &lt;key&gt;</c> (compared in constant time, never
    /// logged or printed). Default: <c>PHI3_API_KEY</c>, else none.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets what to serve: a model folder, or the family, provider and variant to resolve, or a remote endpoint, and the client settings. Never <see langword="null"/> after construction.</summary>
    public Phi3Options Model { get; set; } = new();

    /// <summary>
    /// Gets or sets the endpoints' limits (body size, concurrency, queue, token ceiling). Never <see langword="null"/> after
    /// construction. Its <see cref="Phi3OpenAIEndpointOptions.ApiKey"/> is replaced by <see cref="ApiKey"/>; its concurrency
    /// defaults to <see cref="Model"/>'s <see cref="Phi3ChatClientOptions.MaxConcurrentGenerations"/>.
    /// </summary>
    public Phi3OpenAIEndpointOptions Endpoints { get; set; } = new();

    /// <summary>Gets or sets the browser origins allowed to call the server (CORS), for example <c>http://localhost:3000</c>; <c>*</c> (any origin) only with an API key. Default: none, CORS off.</summary>
    public IList<string>? CorsOrigins { get; set; }

    /// <summary>Gets or sets how long a stop waits for requests in progress to finish before cutting them off. Default: 30 s.</summary>
    public TimeSpan? ShutdownTimeout { get; set; }

    /// <summary>Gets or sets where the listening URL is printed. Default: <see cref="Console.Out"/>.</summary>
    public TextWriter? Output { get; set; }

    /// <summary>Gets or sets the hardware the resolver plans for; <see langword="null"/> probes this machine.</summary>
    public IHardwareProbe? HardwareProbe { get; set; }

    /// <summary>Gets or sets more Kestrel setup after the one endpoint (tests add a second endpoint to prove the after-start bind check).</summary>
    internal Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>? ConfigureKestrel { get; set; }

    /// <summary>Gets or sets a logging setup that replaces the default (console, information level).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }
}
