using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk.Tests.Chat;

/// <summary>
/// <see cref="Phi3ChatClientOptions.Clone"/> and <see cref="Phi3Options.Clone"/> copy every property, public or internal:
/// each is set to a value unlike its default, so a property added without a line in Clone fails here.
/// </summary>
public sealed class Phi3ChatClientOptionsCloneTests
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    [Fact]
    public void Clone_EveryPropertySet_EveryValueCopied()
    {
        var original = new Phi3ChatClientOptions();
        var properties = typeof(Phi3ChatClientOptions).GetProperties(Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0).ToList();
        foreach (var property in properties)
        {
            property.SetValue(original, Sample(property.PropertyType));
        }

        var copy = original.Clone();

        Assert.NotSame(original, copy);
        Assert.Contains(properties, p => p.Name == "BatchGatherTime");
        Assert.All(properties, p =>
        {
            Assert.NotNull(p.GetValue(copy));
            Assert.Equal(p.GetValue(original), p.GetValue(copy));
        });
        Assert.NotSame(original.StopSequences, copy.StopSequences);
    }

    [Fact]
    public void Clone_CopyChanged_OriginalUnchanged()
    {
        var original = new Phi3ChatClientOptions { StopSequences = ["a"], InvalidToolCalls = Phi3InvalidToolCalls.Drop };

        var copy = original.Clone();
        copy.StopSequences!.Add("b");
        copy.InvalidToolCalls = Phi3InvalidToolCalls.Return;

        Assert.Equal(["a"], original.StopSequences);
        Assert.Equal(Phi3InvalidToolCalls.Drop, original.InvalidToolCalls);
    }

    [Fact]
    public void Phi3OptionsClone_EveryPropertySet_EveryValueCopiedAndChatClientCopied()
    {
        var original = new Phi3Options();
        var properties = typeof(Phi3Options).GetProperties(Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0).ToList();
        foreach (var property in properties.Where(p => p.PropertyType != typeof(Phi3ChatClientOptions)))
        {
            property.SetValue(original, Sample(property.PropertyType));
        }

        original.ChatClient.MaxOutputTokens = 7;

        var copy = original.Clone();

        Assert.All(properties.Where(p => p.PropertyType != typeof(Phi3ChatClientOptions)), p => Assert.Equal(p.GetValue(original), p.GetValue(copy)));
        Assert.NotSame(original.ChatClient, copy.ChatClient);
        Assert.Equal(7, copy.ChatClient.MaxOutputTokens);
    }

    /// <summary>A value of <paramref name="type"/> unlike its default (and unlike a new instance's).</summary>
    private static object Sample(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(string) => "s",
            _ when underlying == typeof(int) => 3,
            _ when underlying == typeof(long) => 5L,
            _ when underlying == typeof(float) => 0.5f,
            _ when underlying == typeof(bool) => true,
            _ when underlying == typeof(TimeSpan) => TimeSpan.FromMilliseconds(9),
            _ when underlying == typeof(IList<string>) => new List<string> { "stop" },
            _ when underlying == typeof(Microsoft.Extensions.Logging.ILogger) => NullLogger.Instance,
            _ when underlying.IsEnum => Enum.GetValues(underlying).GetValue(Enum.GetValues(underlying).Length - 1)!,
            _ when underlying.IsClass && underlying.GetConstructor(Type.EmptyTypes) is { } constructor => constructor.Invoke(null),
            _ => throw new InvalidOperationException($"No sample value for {type}: add one so the Clone tests cover the new property."),
        };
    }
}
