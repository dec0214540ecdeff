using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Logs, once per client and cause, what a request asked for that the client ignores or enforces only in part:
/// ignored generic options, a foreign <see cref="ChatOptions.ModelId"/>, tools left out, schema keywords guidance cannot enforce.
/// </summary>
/// <remarks>Thread-safe. At most <see cref="MaxCauses"/> causes are remembered; later new causes are not logged.</remarks>
internal sealed class RequestDiagnostics
{
    /// <summary>The most distinct causes remembered (tool names and schemas come from callers, so the set is bounded).</summary>
    public const int MaxCauses = 1024;

    private readonly ILogger _logger;
    private readonly FirstSightSet _logged = new(MaxCauses);

    public RequestDiagnostics(ILogger logger) => _logger = logger;

    /// <summary>Logs what <paramref name="options"/> and <paramref name="plan"/> ignore or relax, each cause the first time only.</summary>
    public void Report(ChatOptions? options, string loadedModelId, ToolCallingPlan plan, IReadOnlyList<(string Tool, ToolSchemaFallback Fallback, string Error)> fallbacks)
    {
        if (options is null && plan.Relaxations.Count == 0)
        {
            return;
        }

        foreach (var (option, reason) in ChatOptionsMapper.IgnoredOptions(options))
        {
            if (_logger.IsEnabled(LogLevel.Debug) && First("option:" + option))
            {
                Phi3ChatClientLog.OptionIgnored(_logger, option, reason);
            }
        }

        if (options?.ModelId is { } requested && requested != loadedModelId && _logger.IsEnabled(LogLevel.Debug) && First("model:" + requested))
        {
            Phi3ChatClientLog.ModelIdIgnored(_logger, requested, loadedModelId);
        }

        foreach (var (tool, reason) in plan.Skipped)
        {
            if (_logger.IsEnabled(LogLevel.Warning) && First($"skipped:{tool}:{reason}"))
            {
                Phi3ChatClientLog.ToolSkipped(_logger, tool, reason);
            }
        }

        foreach (var (tool, fallback, error) in fallbacks)
        {
            if (_logger.IsEnabled(LogLevel.Warning) && First($"fallback:{tool}:{fallback}"))
            {
                string enforced = fallback == ToolSchemaFallback.AnyObject ? "any JSON object" : "the schema without its patterns";
                if (tool == ToolGuidanceValidator.ResponseFormatKey)
                {
                    Phi3ChatClientLog.ResponseFormatRelaxed(_logger, enforced, error);
                }
                else
                {
                    Phi3ChatClientLog.ToolSchemaRelaxed(_logger, tool, enforced, error);
                }
            }
        }

        foreach (var relaxation in plan.Relaxations)
        {
            string owner = relaxation.Owner is null ? "the response format" : $"tool '{relaxation.Owner}'";
            if (_logger.IsEnabled(LogLevel.Debug) && First($"keyword:{owner}:{relaxation.Location}:{relaxation.Keyword}"))
            {
                Phi3ChatClientLog.SchemaKeywordRelaxed(_logger, owner, relaxation.Keyword, relaxation.Location.Length == 0 ? "/" : relaxation.Location);
            }
        }
    }

    private bool First(string cause) => _logged.TryAdd(cause);
}
