using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Phi3.OnnxSdk.SyntheticModels.Tokenizer;

/// <summary>
/// Fetches the Llama-2 vocabulary from the npm package <c>llama-tokenizer-js@1.2.2</c> (MIT):
/// downloaded once from the npm registry, checked against a pinned SHA-256, kept in a cache
/// folder. Set <c>PHI3_NPM_REGISTRY</c> to use a mirror, or <c>PHI3_LLAMA_TOKENIZER_TGZ</c> to
/// point at a copy of the package file on disk.
/// </summary>
public static class LlamaVocabularySource
{
    /// <summary>The package file name.</summary>
    public const string PackageFileName = "llama-tokenizer-js-1.2.2.tgz";

    /// <summary>The SHA-256 of the published package file (npm integrity sha512-Wmth393d…).</summary>
    public const string PackageSha256 = "ee83014ac8b379b16cf8d81e99ffcdb23dfade8c0d2e751bd06e7dc0b8476e72";

    private const string DefaultRegistry = "https://registry.npmjs.org";

    private static readonly SemaphoreSlim s_lock = new(1, 1);
    private static LlamaVocabulary? s_cached;

    /// <summary>Gets the vocabulary, downloading the package into <paramref name="cacheFolder"/> if needed.</summary>
    /// <exception cref="InvalidDataException">The package's hash or contents are wrong.</exception>
    /// <exception cref="HttpRequestException">The registry could not be reached; the message says how to work offline.</exception>
    public static async Task<LlamaVocabulary> GetAsync(string cacheFolder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cacheFolder);
        await s_lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (s_cached is not null)
            {
                return s_cached;
            }

            byte[] package = await GetPackageBytesAsync(cacheFolder, cancellationToken).ConfigureAwait(false);
            s_cached = LlamaVocabulary.ParseScript(ReadScript(package));
            return s_cached;
        }
        finally
        {
            s_lock.Release();
        }
    }

    private static async Task<byte[]> GetPackageBytesAsync(string cacheFolder, CancellationToken cancellationToken)
    {
        string? localCopy = Environment.GetEnvironmentVariable("PHI3_LLAMA_TOKENIZER_TGZ");
        if (!string.IsNullOrEmpty(localCopy))
        {
            return Verify(await File.ReadAllBytesAsync(localCopy, cancellationToken).ConfigureAwait(false), localCopy);
        }

        string cached = Path.Combine(cacheFolder, PackageFileName);
        if (File.Exists(cached))
        {
            byte[] bytes = await File.ReadAllBytesAsync(cached, cancellationToken).ConfigureAwait(false);
            if (HashOf(bytes) == PackageSha256)
            {
                return bytes;
            }

            File.Delete(cached);
        }

        string registry = Environment.GetEnvironmentVariable("PHI3_NPM_REGISTRY") is { Length: > 0 } r ? r.TrimEnd('/') : DefaultRegistry;
        var url = new Uri($"{registry}/llama-tokenizer-js/-/{PackageFileName}");
        byte[] downloaded;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            downloaded = await http.GetByteArrayAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new HttpRequestException(
                $"Could not download the Llama-2 vocabulary package from {url} ({ex.Message}). " +
                "Set PHI3_NPM_REGISTRY to a reachable npm registry, or PHI3_LLAMA_TOKENIZER_TGZ to a local copy of " + PackageFileName + ".", ex);
        }

        Verify(downloaded, url.ToString());
        Directory.CreateDirectory(cacheFolder);
        string temporary = cached + "." + Environment.ProcessId + ".tmp";
        await File.WriteAllBytesAsync(temporary, downloaded, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, cached, overwrite: true);
        return downloaded;
    }

    private static byte[] Verify(byte[] bytes, string source)
    {
        string actual = HashOf(bytes);
        if (actual != PackageSha256)
        {
            throw new InvalidDataException($"{source} has SHA-256 {actual}, expected {PackageSha256} for {PackageFileName}.");
        }

        return bytes;
    }

    private static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string ReadScript(byte[] package)
    {
        using var gzip = new GZipStream(new MemoryStream(package), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name == "package/llama-tokenizer.js" && entry.DataStream is { } data)
            {
                using var reader = new StreamReader(data, Encoding.UTF8);
                return reader.ReadToEnd();
            }
        }

        throw new InvalidDataException($"{PackageFileName} has no package/llama-tokenizer.js.");
    }
}
