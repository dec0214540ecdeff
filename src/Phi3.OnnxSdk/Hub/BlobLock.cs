using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// An exclusive lock on one blob, shared by threads, processes and Python's huggingface_hub: an OS lock on
/// <c>.locks/models--org--name/{etag}.lock</c> (flock on Unix, a share-none handle on Windows).
/// </summary>
internal sealed class BlobLock : IDisposable
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(200);
    private readonly FileStream _handle;

    private BlobLock(FileStream handle) => _handle = handle;

    public static async Task<BlobLock> AcquireAsync(string lockPath, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        var delay = TimeSpan.FromMilliseconds(5);
        var logged = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new BlobLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1));
            }
            catch (IOException)
            {
                // Held by another thread or process; poll until it is released.
                if (!logged)
                {
                    HubLog.WaitingForLock(logger, lockPath);
                    logged = true;
                }
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < MaxPoll ? delay * 2 : MaxPoll;
        }
    }

    public void Dispose() => _handle.Dispose();
}
