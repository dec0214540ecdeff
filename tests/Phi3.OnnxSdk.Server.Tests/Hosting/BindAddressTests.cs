using System.Net;
using Phi3.OnnxSdk.Server.Hosting;

namespace Phi3.OnnxSdk.Server.Tests.Hosting;

/// <summary>What a <c>--host</c> value binds to, and which listening addresses count as loopback.</summary>
public sealed class BindAddressTests
{
    [Theory]
    [InlineData("10.0.0.7", false)]
    [InlineData("127.0.1.1", true)]
    [InlineData("::1", true)]
    public void Parse_HostName_IsTheAddressItResolvesTo(string resolved, bool loopback)
    {
        var address = BindAddress.Parse("gpu-box", name => name == "gpu-box" ? [IPAddress.Parse(resolved)] : []);

        Assert.Equal(IPAddress.Parse(resolved), address);
        Assert.Equal(loopback, BindAddress.IsLoopback(address));
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1")]
    [InlineData("[::ffff:10.1.2.3]", "10.1.2.3")]
    [InlineData("localhost", "127.0.0.1")]
    [InlineData("*", "0.0.0.0")]
    public void Parse_Literal_NeedsNoLookup(string host, string expected)
    {
        var address = BindAddress.Parse(host, _ => throw new InvalidOperationException("no lookup expected"));

        Assert.Equal(IPAddress.Parse(expected), address);
    }

    [Fact]
    public void Parse_NameThatDoesNotResolve_ThrowsArgumentExceptionNotSocketException()
    {
        var error = Assert.Throws<ArgumentException>(() => BindAddress.Parse("gpu-box", _ => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound)));

        Assert.Contains("'gpu-box' is not an IP address or a name this machine resolves", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8000", true)]
    [InlineData("http://[::1]:8000", true)]
    [InlineData("http://localhost:8000", true)]
    [InlineData("http://0.0.0.0:8000", false)]
    [InlineData("http://[::]:8000", false)]
    [InlineData("http://192.168.1.20:8000", false)]
    [InlineData("http://gpu-box:8000", false)]
    [InlineData("not a url", false)]
    public void IsLoopbackUrl_KestrelAddress_OnlyLoopbackOnesAre(string url, bool loopback) =>
        Assert.Equal(loopback, BindAddress.IsLoopbackUrl(url));
}
