namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// Runs a release action from its finalizer: held by a handed-out native wrapper (<see cref="GuardedModel"/>,
/// <see cref="GuardedTokenizer"/>), it frees the native object once neither the SDK nor any caller references the
/// wrapper, even after a caller's <c>Dispose()</c> suppressed the wrapper's own finalizer.
/// </summary>
internal sealed class FinalRelease(Action release)
{
    private volatile bool _disarmed;

    ~FinalRelease()
    {
        if (!_disarmed)
        {
            release();
        }
    }

    /// <summary>Makes the finalizer do nothing (for an instance that lost the race to be installed).</summary>
    public void Disarm() => _disarmed = true;
}
