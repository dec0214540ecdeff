using System.CommandLine;
using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.Server;
using Phi3.OnnxSdk.Server.Hosting;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// <c>phi3 serve</c>: the model behind an OpenAI-compatible endpoint (<see cref="Phi3Server"/>), chosen as for the chat
/// (a local folder, or a family resolved for this machine; or a remote endpoint, <c>--placement</c>). It prints the URL
/// on stdout once it listens, then loads the model (downloading it if needed; <c>/health</c> answers 503 until then),
/// logs the setup and the requests on stderr, and runs until SIGINT or SIGTERM, then lets the requests in progress
/// finish. Anything but loopback needs an API key (<c>--api-key</c> or <c>PHI3_API_KEY</c>), which is never printed;
/// without one the start is refused (exit code 2).
/// </summary>
internal sealed class ServeCommand : IPhi3Command
{
    public int Order => 4;

    public Command Create(CliContext context)
    {
        var command = new Command("serve", "Serve the model as an OpenAI-compatible endpoint (/v1/chat/completions, /v1/models, /health) until Ctrl+C or SIGTERM.");
        var model = new ModelOptions();
        model.AddTo(command, localModel: true, plan: false, remote: true);
        var host = CliOptions.Text("--host", null, "address", "The address to listen on (default 127.0.0.1; 0.0.0.0 is every interface and needs an API key).");
        var port = CliOptions.IntRange("--port", null, "n", $"The TCP port (default {Phi3ServerOptions.DefaultPort}; 0 picks a free one).", min: 0, max: 65535);
        var apiKey = CliOptions.Text("--api-key", null, "key", $"The key clients send as 'Authorization: Bearer <key>' (or {Phi3ServerOptions.ApiKeyVariable}, which keeps it out of the process list); never printed.");
        var cors = new Option<string[]>("--cors")
        {
            Description = "A browser origin allowed to call the server, e.g. http://localhost:3000 (repeatable; default none, CORS off).",
            HelpName = "origin",
            Arity = ArgumentArity.OneOrMore,
        };
        var maxBody = CliOptions.Long("--max-body-bytes", "n", $"The largest request body; larger ones get 413 (default {Phi3OpenAIEndpointOptions.DefaultMaxRequestBodyBytes}).", min: 1);
        var concurrent = CliOptions.IntRange("--max-concurrent", null, "n", "Chat completions generated at once (default 4).", min: 1, max: 256);
        var queued = CliOptions.IntRange("--max-queued", null, "n", $"Chat completions that may wait; beyond that, 429 (default {Phi3OpenAIEndpointOptions.DefaultMaxQueuedRequests}; 0 queues none).", min: 0, max: 100_000);
        var maxTokens = CliOptions.Int("--max-output-tokens", null, "n", $"The largest max_tokens a request may ask for (default {Phi3OpenAIEndpointOptions.DefaultMaxOutputTokens}).", min: 1);
        var shutdown = CliOptions.IntRange("--shutdown-seconds", null, "s", "How long a stop waits for requests in progress (default 30).", min: 0, max: 3600);
        foreach (Option option in (Option[])[host, port, apiKey, cors, maxBody, concurrent, queued, maxTokens, shutdown])
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, _) =>
        {
            var options = model.ToPhi3Options(result, context.Logger);
            if (result.GetValue(concurrent) is { } generations)
            {
                options.ChatClient.MaxConcurrentGenerations = generations;
            }

            var server = new Phi3ServerOptions
            {
                Host = result.GetValue(host),
                Port = result.GetValue(port),
                ApiKey = result.GetValue(apiKey),
                Model = options,
                Endpoints = new Phi3OpenAIEndpointOptions
                {
                    MaxRequestBodyBytes = result.GetValue(maxBody),
                    MaxConcurrentRequests = result.GetValue(concurrent),
                    MaxQueuedRequests = result.GetValue(queued),
                    MaxOutputTokens = result.GetValue(maxTokens),
                },
                CorsOrigins = result.GetValue(cors) is { Length: > 0 } origins ? origins : null,
                ShutdownTimeout = result.GetValue(shutdown) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Output = context.Console.Output,
                ConfigureLogging = logging => LogToStderr(logging, context.Console.Error),
            };
            return await RunAsync(context, server).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, Phi3ServerOptions server)
    {
        try
        {
            // Ctrl+C stops the server (as SIGTERM does, through the host), then the requests in progress finish.
            await context.RunCancellableAsync(async token =>
            {
                await Phi3Server.RunAsync(server, token).ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        }
        catch (Phi3ServerException ex)
        {
            throw new CliUsageException(ex.Message, ex);
        }

        context.Console.Note("phi3 serve stopped");
        return ExitCodes.Success;
    }

    /// <summary>The setup and request logs, one line each, on stderr (stdout has the URL alone); ASP.NET Core's own only from warnings.</summary>
    private static void LogToStderr(ILoggingBuilder logging, TextWriter error)
    {
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        logging.AddProvider(new ServeLogProvider(error));
    }
}
