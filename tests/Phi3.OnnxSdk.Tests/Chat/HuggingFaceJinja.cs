using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Chat;

/// <summary>
/// Renders chat templates with <c>@huggingface/jinja@0.5.11</c> (MIT; the Jinja implementation of transformers.js) under
/// Node.js: an implementation independent of the SDK. The npm package file is downloaded once into the test cache and
/// checked against a pinned SHA-256. <c>PHI3_NPM_REGISTRY</c> names a mirror, <c>PHI3_JINJA_TGZ</c> a local copy of the
/// package file, <c>PHI3_NODE</c> the node executable (default: <c>node</c> on PATH).
/// </summary>
internal static class HuggingFaceJinja
{
    public const string PackageFileName = "jinja-0.5.11.tgz";

    /// <summary>The SHA-256 of the published package file (npm integrity sha512-YzEzwM5o…).</summary>
    public const string PackageSha256 = "c92401a23cdef23be5a2773eafc22db6723e113380aa02fedd0ca40ceb123f29";

    // Reads {template, conversations, context} from stdin and prints the rendered strings as a JSON array.
    private const string Runner = """
        const { Template } = require('./index.cjs');
        let input = '';
        process.stdin.on('data', d => input += d);
        process.stdin.on('end', () => {
          const request = JSON.parse(input);
          const template = new Template(request.template);
          const rendered = request.conversations.map(messages => template.render({ ...request.context, messages }));
          process.stdout.write(JSON.stringify(rendered));
        });
        """;

    private static readonly SemaphoreSlim s_lock = new(1, 1);

    /// <summary>Renders <paramref name="template"/> once per conversation (each a list of role/content messages).</summary>
    public static async Task<IReadOnlyList<string>> RenderAsync(string template, IEnumerable<IEnumerable<(string Role, string Content)>> conversations, IReadOnlyDictionary<string, object> context)
    {
        string folder = await GetPackageFolderAsync();
        var request = JsonSerializer.Serialize(new
        {
            template,
            conversations = conversations.Select(c => c.Select(m => new Dictionary<string, string> { ["role"] = m.Role, ["content"] = m.Content })),
            context,
        });
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("PHI3_NODE") is { Length: > 0 } node ? node : "node", "runner.cjs")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("The chat-template test needs Node.js: install it (node on PATH) or set PHI3_NODE to the node executable.", ex);
        }

        using (process)
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await process.StandardInput.WriteAsync(request);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0
                ? JsonSerializer.Deserialize<string[]>(await output)!
                : throw new InvalidOperationException($"@huggingface/jinja failed ({process.ExitCode}): {await errors}");
        }
    }

    private static async Task<string> GetPackageFolderAsync()
    {
        string folder = Path.Combine(SyntheticModelBuilder.DefaultCacheFolder, "npm", "huggingface-jinja-0.5.11");
        string runner = Path.Combine(folder, "runner.cjs");
        await s_lock.WaitAsync();
        try
        {
            if (!File.Exists(runner))
            {
                byte[] package = await GetPackageBytesAsync();
                Directory.CreateDirectory(folder);
                await File.WriteAllBytesAsync(Path.Combine(folder, "index.cjs"), Extract(package, "package/dist/index.cjs"));
                await File.WriteAllTextAsync(runner + ".tmp", Runner);
                File.Move(runner + ".tmp", runner, overwrite: true);
            }

            return folder;
        }
        finally
        {
            s_lock.Release();
        }
    }

    private static async Task<byte[]> GetPackageBytesAsync()
    {
        if (Environment.GetEnvironmentVariable("PHI3_JINJA_TGZ") is { Length: > 0 } local)
        {
            return Verify(await File.ReadAllBytesAsync(local), local);
        }

        string registry = Environment.GetEnvironmentVariable("PHI3_NPM_REGISTRY") is { Length: > 0 } r ? r.TrimEnd('/') : "https://registry.npmjs.org";
        var url = new Uri($"{registry}/@huggingface/jinja/-/{PackageFileName}");
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            return Verify(await http.GetByteArrayAsync(url), url.ToString());
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"Could not download {url} ({ex.Message}): set PHI3_NPM_REGISTRY to a reachable npm registry or PHI3_JINJA_TGZ to a copy of {PackageFileName}.", ex);
        }
    }

    private static byte[] Verify(byte[] bytes, string source)
    {
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return actual == PackageSha256 ? bytes : throw new InvalidDataException($"{source} has SHA-256 {actual}, expected {PackageSha256}.");
    }

    private static byte[] Extract(byte[] package, string entryName)
    {
        using var tar = new TarReader(new GZipStream(new MemoryStream(package), CompressionMode.Decompress));
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name == entryName && entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                data.CopyTo(copy);
                return copy.ToArray();
            }
        }

        throw new InvalidDataException($"{PackageFileName} has no {entryName}.");
    }
}
