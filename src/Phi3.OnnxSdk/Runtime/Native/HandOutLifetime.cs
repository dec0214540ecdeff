namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// The lifetime rules that <see cref="GuardedModel"/> and <see cref="GuardedTokenizer"/> share (they derive from
/// different onnxruntime-genai classes, so they hold one of these instead of a common base): whether the native
/// constructor succeeded (a wrapper whose constructor threw holds nothing and must never free), whether the wrapper was
/// handed out to callers, and the release that then frees it from the finalizer of a helper object the wrapper
/// references, so it runs once neither the SDK nor any caller references the wrapper, even after a caller's
/// <c>Dispose()</c> suppressed the wrapper's own finalizer. While handed out, the native memory behind it
/// (<c>memoryPressureBytes</c>) is reported to the GC with <see cref="GC.AddMemoryPressure(long)"/>, so that a dropped
/// multi-gigabyte model is collected soon rather than whenever managed allocations happen to trigger a collection; the
/// release removes it again. Thread-safe.
/// </summary>
/// <param name="memoryPressureBytes">The native memory the wrapper holds (0: none reported).</param>
internal sealed class HandOutLifetime(long memoryPressureBytes = 0)
{
    private static long s_pressure;
    private Releaser? _releaser;
    private volatile bool _constructed;

    /// <summary>Gets the memory pressure all handed-out wrappers report now, in bytes (for tests).</summary>
    internal static long ReportedPressure => Interlocked.Read(ref s_pressure);

    /// <summary>Gets whether the wrapper was handed out (the owner must then not free it).</summary>
    public bool IsHandedOut => Volatile.Read(ref _releaser) is not null;

    /// <summary>Records that the native constructor succeeded; the wrapper calls it last in its constructor.</summary>
    public void MarkConstructed() => _constructed = true;

    /// <summary>Marks the wrapper as handed out; <paramref name="freeWhenUnreferenced"/> runs once it is unreferenced.</summary>
    public void HandOut(Action freeWhenUnreferenced)
    {
        if (IsHandedOut)
        {
            return;
        }

        var releaser = new Releaser(freeWhenUnreferenced, memoryPressureBytes);
        if (Interlocked.CompareExchange(ref _releaser, releaser, null) is not null)
        {
            // Lost a race: this one must never run, or it would free the object while it is in use.
            releaser.Disarm();
            return;
        }

        releaser.AddPressure();
    }

    /// <summary>Frees now through <paramref name="free"/>, unless the wrapper was handed out (then it is freed once unreferenced).</summary>
    public void ReleaseByOwner(Action free)
    {
        if (!IsHandedOut && _constructed)
        {
            free();
        }
    }

    /// <summary>
    /// Whether the wrapper's <c>Dispose(bool)</c> may free the native object: only from the finalizer
    /// (<paramref name="disposing"/> false; a caller's <c>Dispose()</c> is ignored because the object is shared) and only
    /// when the native constructor succeeded.
    /// </summary>
    public bool FinalizerMayFree(bool disposing) => _constructed && !disposing;

    private sealed class Releaser(Action release, long pressure)
    {
        private volatile bool _disarmed;
        private bool _added;

        ~Releaser()
        {
            if (_disarmed)
            {
                return;
            }

            release();
            if (_added)
            {
                GC.RemoveMemoryPressure(pressure);
                Interlocked.Add(ref s_pressure, -pressure);
            }
        }

        public void AddPressure()
        {
            if (pressure > 0)
            {
                GC.AddMemoryPressure(pressure);
                Interlocked.Add(ref s_pressure, pressure);
                _added = true;
            }
        }

        public void Disarm() => _disarmed = true;
    }
}
