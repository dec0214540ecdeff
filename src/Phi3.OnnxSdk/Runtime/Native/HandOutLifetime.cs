namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// Whether a native wrapper that a <see cref="Phi3Model"/> owns (<see cref="GuardedModel"/>, <see cref="GuardedTokenizer"/>)
/// was handed out to callers, and the release that then frees it: from the finalizer of a helper object the wrapper
/// references, so it runs once neither the SDK nor any caller references the wrapper, even after a caller's
/// <c>Dispose()</c> suppressed the wrapper's own finalizer. Thread-safe.
/// </summary>
internal sealed class HandOutLifetime
{
    private Releaser? _releaser;

    /// <summary>Gets whether the wrapper was handed out (the owner must then not free it).</summary>
    public bool IsHandedOut => Volatile.Read(ref _releaser) is not null;

    /// <summary>Marks the wrapper as handed out; <paramref name="freeWhenUnreferenced"/> runs once it is unreferenced.</summary>
    public void HandOut(Action freeWhenUnreferenced)
    {
        if (IsHandedOut)
        {
            return;
        }

        var releaser = new Releaser(freeWhenUnreferenced);
        if (Interlocked.CompareExchange(ref _releaser, releaser, null) is not null)
        {
            // Lost a race: this one must never run, or it would free the object while it is in use.
            releaser.Disarm();
        }
    }

    private sealed class Releaser(Action release)
    {
        private volatile bool _disarmed;

        ~Releaser()
        {
            if (!_disarmed)
            {
                release();
            }
        }

        public void Disarm() => _disarmed = true;
    }
}
