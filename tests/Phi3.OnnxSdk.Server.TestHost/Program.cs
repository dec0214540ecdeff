using Phi3.OnnxSdk.Server.Hosting;

using Microsoft.Extensions.Logging;
// phi3 serve in its smallest form: --model-path DIR [--host H] [--port P] [--api-key K] [--shutdown-seconds S] [--log trace]
// [--gated true] (serve SignalGatedChatClient instead of a model: its stream waits for SIGTERM midway).
// --log writes every log entry at that level and above to stdout (the tests look for secrets in it).
// Exit codes: 0 after a signal and drain, 2 for refused settings, 1 for any other failure.
var options = new Phi3ServerOptions { ConfigureLogging = logging => { } };
bool gated = false;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    string value = args[i + 1];
    switch (args[i])
    {
        case "--model-path":
            options.Model.ModelPath = value;
            break;
        case "--host":
            options.Host = value;
            break;
        case "--port":
            options.Port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--api-key":
            options.ApiKey = value;
            break;
        case "--log":
            var level = Enum.Parse<LogLevel>(value, ignoreCase: true);
            options.ConfigureLogging = logging => logging.AddSimpleConsole().SetMinimumLevel(level);
            break;
        case "--gated":
            gated = bool.Parse(value);
            break;
        case "--shutdown-seconds":
            options.ShutdownTimeout = TimeSpan.FromSeconds(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}

try
{
    if (gated)
    {
        await Phi3Server.RunOverAsync(new Phi3.OnnxSdk.Server.TestHost.SignalGatedChatClient(), options).ConfigureAwait(false);
    }
    else
    {
        await Phi3Server.RunAsync(options).ConfigureAwait(false);
    }

    Console.WriteLine("phi3 serve stopped");
    return 0;
}
catch (Phi3ServerException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"error: {ex.GetType().Name}: {ex.Message}");
    return 1;
}
