namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>A remote endpoint's password and key-like query values never reach <c>phi3</c>'s output.</summary>
public sealed class RedactionProcessTests
{
    private const string Password = "secretpw-5c1e";
    private const string QueryKey = "qk-9d7a33";

    [Fact]
    public async Task Models_RemoteEndpointWithCredentials_PrintedRedacted()
    {
        var result = await Phi3Process.RunAsync(
            string.Empty,
            "models", "--assume", "cpu:16GB", "--model", "phi-3-small-128k-instruct", "--placement", "local-first",
            "--remote-endpoint", $"http://u:{Password}@gpu-box:8000/v1?api-key={QueryKey}&deployment=d1", "--remote-model", "m");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Placement (local-first): remote http://gpu-box:8000/v1?api-key=***&deployment=d1 (model m)", result.Stdout, StringComparison.Ordinal);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Chat_RemoteEndpointWithCredentials_NoteAndErrorRedacted()
    {
        // Port 9 (discard) on loopback refuses the connection: the note is printed, then the request fails.
        var result = await Phi3Process.RunAsync(
            "hello\n",
            "chat", "--placement", "remote", "--remote-endpoint", $"http://u:{Password}@127.0.0.1:9/v1?key={QueryKey}", "--remote-model", "m");

        Assert.Contains("Remote http://127.0.0.1:9/v1?key=*** (model m)", result.Stdout + result.Stderr, StringComparison.Ordinal);
        AssertNoSecret(result);
    }

    private static void AssertNoSecret(Phi3Result result)
    {
        Assert.DoesNotContain(Password, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(QueryKey, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
