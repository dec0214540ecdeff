using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

public class HubSettingsTests
{
    private static HubSettings Resolve(Dictionary<string, string> env, HubClientOptions? options = null)
    {
        options ??= new HubClientOptions();
        options.EnvironmentReader = name => env.TryGetValue(name, out var value) ? value : null;
        return HubSettings.Resolve(options);
    }

    [Fact]
    public void Resolve_NoOptionsNoEnvironment_UsesHuggingFaceDefaults()
    {
        var settings = Resolve(new() { ["HF_HOME"] = "/data/hf" });

        Assert.Equal(new Uri("https://huggingface.co"), settings.Endpoint);
        Assert.Equal(Path.GetFullPath("/data/hf/hub"), settings.CacheDirectory);
        Assert.False(settings.Offline);
        Assert.Null(settings.Token);
        Assert.Equal(4, settings.MaxParallelDownloads);
    }

    [Fact]
    public void Resolve_EnvironmentVariables_AreHonoured()
    {
        var settings = Resolve(new()
        {
            ["HF_ENDPOINT"] = "http://mirror.local:8080/",
            ["HF_HOME"] = "/data/hf",
            ["HF_HUB_CACHE"] = "/fast/hub",
            ["HF_TOKEN"] = "hf_env",
            ["HF_HUB_OFFLINE"] = "1",
            ["HF_HUB_DOWNLOAD_TIMEOUT"] = "7",
        });

        Assert.Equal(new Uri("http://mirror.local:8080"), settings.Endpoint);
        Assert.Equal(Path.GetFullPath("/fast/hub"), settings.CacheDirectory);
        Assert.Equal("hf_env", settings.Token);
        Assert.True(settings.Offline);
        Assert.Equal(TimeSpan.FromSeconds(7), settings.Timeout);
    }

    [Fact]
    public void Resolve_XdgCacheHome_PlacesCacheUnderHuggingFace()
    {
        var settings = Resolve(new() { ["XDG_CACHE_HOME"] = "/xdg" });

        Assert.Equal(Path.GetFullPath("/xdg/huggingface/hub"), settings.CacheDirectory);
    }

    [Fact]
    public void Resolve_OptionsSet_WinOverEnvironment()
    {
        var settings = Resolve(
            new() { ["HF_ENDPOINT"] = "http://env", ["HF_TOKEN"] = "hf_env", ["HF_HUB_OFFLINE"] = "1", ["HF_HUB_CACHE"] = "/env" },
            new HubClientOptions { Endpoint = new Uri("http://option"), Token = "hf_option", Offline = false, CacheDirectory = "/option" });

        Assert.Equal(new Uri("http://option"), settings.Endpoint);
        Assert.Equal("hf_option", settings.Token);
        Assert.False(settings.Offline);
        Assert.Equal(Path.GetFullPath("/option"), settings.CacheDirectory);
    }

    [Fact]
    public void Resolve_TokenFileInHfHome_IsRead()
    {
        using var home = new TempDirectory();
        File.WriteAllText(Path.Combine(home.Path, "token"), "hf_file\n");

        Assert.Equal("hf_file", Resolve(new() { ["HF_HOME"] = home.Path }).Token);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("", false)]
    public void Resolve_HfHubOffline_ParsesLikeHuggingFaceHub(string value, bool expected)
    {
        Assert.Equal(expected, Resolve(new() { ["HF_HUB_OFFLINE"] = value }).Offline);
    }

    [Fact]
    public void Resolve_MalformedEndpoint_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => Resolve(new() { ["HF_ENDPOINT"] = "not a url" }));
        Assert.Contains("not a url", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ZeroParallelism_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Resolve([], new HubClientOptions { MaxParallelDownloads = 0 }));
    }

    [Fact]
    public void Resolve_NoLinkVerifyOrDirectIOOptions_LinksTrustsCachedFilesAndWritesDirectly()
    {
        var settings = Resolve([]);

        Assert.True(settings.UseSymbolicLinks);
        Assert.False(settings.VerifyCachedFiles);
        Assert.True(settings.UseDirectIO);
    }

    [Fact]
    public void Resolve_LinksOffVerifyOnDirectIOOff_AreHonoured()
    {
        var settings = Resolve([], new HubClientOptions { UseSymbolicLinks = false, VerifyCachedFiles = true, UseDirectIO = false });

        Assert.False(settings.UseSymbolicLinks);
        Assert.True(settings.VerifyCachedFiles);
        Assert.False(settings.UseDirectIO);
    }

    [Fact]
    public void Resolve_NoConnectionOptions_UsesEightConnectionsOf8MiBRangesBelow500MBPerSecond()
    {
        var settings = Resolve([]);

        Assert.Equal(8, settings.ConnectionsPerFile);
        Assert.Equal(8 << 20, settings.RangeSize);
        Assert.Equal(500_000_000, settings.FanOutBelowBytesPerSecond);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void Resolve_ConnectionsPerFileInRange_IsHonoured(int connections)
    {
        Assert.Equal(connections, Resolve([], new HubClientOptions { ConnectionsPerFile = connections }).ConnectionsPerFile);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Resolve_ConnectionsPerFileOutOfRange_ThrowsNamingTheOption(int connections)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Resolve([], new HubClientOptions { ConnectionsPerFile = connections }));

        Assert.Contains("ConnectionsPerFile", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4097)]
    public void Resolve_RangeSizeNotAMultipleOf4KiB_Throws(int rangeSize)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Resolve([], new HubClientOptions { RangeSize = rangeSize }));
    }
}
