using System.Net.Http;

namespace Phi3.OnnxSdk.Hub;

/// <summary>Runs a request again, with doubling back-off, after time-outs, dropped connections, 408, 429 and 5xx.</summary>
internal static class HubRetry
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs <paramref name="action"/> until it succeeds, fails for good or exhausts the retries. When
    /// <paramref name="progressProbe"/> shows progress since the previous try, the retry count starts over.
    /// </summary>
    public static async Task<T> ExecuteAsync<T>(
        HubSettings settings,
        string what,
        Func<CancellationToken, Task<T>> action,
        Func<long>? progressProbe,
        CancellationToken cancellationToken,
        bool retryUnreachable = true)
    {
        var failures = 0;
        var lastProgress = progressProbe?.Invoke() ?? 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Exception failure;
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!retryUnreachable && IsUnreachable(ex))
            {
                // The caller has a cached copy to fall back on: no point waiting through the back-off for a host that refuses.
                throw new HubException($"{what} failed: {ex.Message}", ex) { HubUnavailable = true };
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                failure = ex;
            }

            var progress = progressProbe?.Invoke() ?? 0;
            if (progress > lastProgress)
            {
                failures = 0;
                lastProgress = progress;
            }

            failures++;
            if (failures > settings.MaxRetries)
            {
                var status = (failure as HubTransientException)?.StatusCode ?? (failure as HttpRequestException)?.StatusCode;
                throw new HubException(
                    $"{what} failed after {settings.MaxRetries} retries: {failure.Message} Check the network and try again; a partial download resumes where it stopped.",
                    failure)
                {
                    StatusCode = status,
                    HubUnavailable = true,
                };
            }

            var delay = Backoff(settings.RetryDelay, failures);
            if (failure is HubTransientException { RetryAfter: { } retryAfter } && retryAfter > delay)
            {
                delay = retryAfter < MaxRetryAfter ? retryAfter : MaxRetryAfter;
            }

            HubLog.Retrying(settings.Logger, what, failures, settings.MaxRetries, delay, failure.Message);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal static TimeSpan Backoff(TimeSpan first, int failures)
    {
        var ticks = first.Ticks * Math.Pow(2, Math.Min(failures - 1, 20));
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Whether the host could not be reached at all: its name did not resolve or the connection was refused.</summary>
    internal static bool IsUnreachable(Exception ex) =>
        ex is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError };

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        HubTransientException => true,
        TimeoutException => true,
        HttpRequestException { StatusCode: null } => true,
        IOException and not InsufficientDiskSpaceException => !cancellationToken.IsCancellationRequested && !IsDiskFull(ex),
        _ => false,
    };

    private static bool IsDiskFull(Exception ex) => ex.HResult is unchecked((int)0x80070070) or unchecked((int)0x80070027) || ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
}
