using System.Buffers.Binary;
using System.Text;

namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// Deterministic random weights: xoshiro256** seeded per tensor from the model seed and the
/// tensor name, so a tensor's values depend on nothing else (not on build order or runtime).
/// </summary>
internal sealed class WeightGenerator
{
    private readonly long _seed;

    public WeightGenerator(long seed) => _seed = seed;

    /// <summary>fp32 values uniform in [-a, a] with standard deviation <paramref name="std"/>, as little-endian bytes.</summary>
    public byte[] Floats(string tensorName, long count, float std)
    {
        var rng = CreateRng(tensorName);
        var bytes = new byte[checked(count * 4)];
        float amplitude = std * MathF.Sqrt(3f);
        for (long i = 0; i < count; i++)
        {
            // 24 random bits give a float in [0, 1) exactly.
            float unit = (rng.Next() >> 40) * (1f / (1 << 24));
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)(i * 4)), ((unit * 2f) - 1f) * amplitude);
        }

        return bytes;
    }

    /// <summary>Random bytes: packed int4 weights where each nibble is uniform in 0..15.</summary>
    public byte[] Bytes(string tensorName, long count)
    {
        var rng = CreateRng(tensorName);
        var bytes = new byte[count];
        var span = bytes.AsSpan();
        while (span.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span, rng.Next());
            span = span[8..];
        }

        ulong last = rng.Next();
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = (byte)(last >> (8 * i));
        }

        return bytes;
    }

    private Xoshiro256 CreateRng(string tensorName)
    {
        // FNV-1a over the name, mixed with the seed.
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(tensorName))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return new Xoshiro256(hash ^ unchecked((ulong)_seed * 0x9E3779B97F4A7C15UL));
    }

    private struct Xoshiro256
    {
        private ulong _s0, _s1, _s2, _s3;

        public Xoshiro256(ulong seed)
        {
            _s0 = SplitMix(ref seed);
            _s1 = SplitMix(ref seed);
            _s2 = SplitMix(ref seed);
            _s3 = SplitMix(ref seed);
        }

        public ulong Next()
        {
            ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }

        private static ulong SplitMix(ref ulong state)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
