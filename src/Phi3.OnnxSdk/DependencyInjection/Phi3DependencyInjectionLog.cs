using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.DependencyInjection;

/// <summary>Log messages of the lazily loaded client, the warm-up and setup progress.</summary>
internal static partial class Phi3DependencyInjectionLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Loading the Phi-3 model")]
    public static partial void LoadStarting(ILogger logger);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "Loading the Phi-3 model failed; the next call tries again")]
    public static partial void LoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Phi-3 setup: {Stage}: {Message}")]
    public static partial void Stage(ILogger logger, Provisioning.Phi3SetupStage stage, string message);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Downloading the Phi-3 model: {Percent}% ({Downloaded} of {Total} bytes, {FilesCompleted} of {FileCount} files, {BytesPerSecond:F0} B/s)")]
    public static partial void Download(ILogger logger, int percent, long downloaded, long total, int filesCompleted, int fileCount, double bytesPerSecond);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Warming up the Phi-3 chat client {ServiceKey} at startup")]
    public static partial void WarmupStarting(ILogger logger, string serviceKey);
}
