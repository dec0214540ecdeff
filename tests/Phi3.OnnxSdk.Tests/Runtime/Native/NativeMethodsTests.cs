using System.Reflection;
using System.Runtime.InteropServices;
using Phi3.OnnxSdk.Runtime.Native;

namespace Phi3.OnnxSdk.Tests.Runtime.Native;

public sealed class NativeMethodsTests
{
    private static readonly MethodInfo[] Methods = typeof(NativeMethods)
        .GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Where(m => m.GetCustomAttribute<LibraryImportAttribute>() is not null)
        .ToArray();

    [Fact]
    public void NativeMethods_EveryImport_ExistsInTheNativeLibrary()
    {
        IntPtr library = NativeLibrary.Load(NativeMethods.LibraryName, typeof(NativeMethods).Assembly, null);

        Assert.NotEmpty(Methods);
        var missing = Methods.Where(m => !NativeLibrary.TryGetExport(library, EntryPoint(m), out _)).Select(m => m.Name).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void NativeMethods_EveryImport_UsesTheManagedPackagesLibraryName()
    {
        Assert.All(Methods, m => Assert.Equal("onnxruntime-genai", m.GetCustomAttribute<LibraryImportAttribute>()!.LibraryName));
    }

    [Fact]
    public void NativeMethods_BoolParameters_MarshalAsOneByteCBool()
    {
        var bools = Methods.SelectMany(m => m.GetParameters()).Where(p => (p.ParameterType.IsByRef ? p.ParameterType.GetElementType() : p.ParameterType) == typeof(bool)).ToList();

        Assert.NotEmpty(bools);
        Assert.All(bools, p => Assert.Equal(UnmanagedType.U1, p.GetCustomAttribute<MarshalAsAttribute>()?.Value));
    }

    [Fact]
    public void NativeMethods_ResultReturningCalls_ReturnPointerAndUsePointerSizedOrExactWidthTypes()
    {
        Type[] allowed = [typeof(IntPtr), typeof(nuint), typeof(int), typeof(uint), typeof(ulong), typeof(float), typeof(bool), typeof(int*), typeof(EngineEventFlags), typeof(EngineFinishReason)];

        foreach (var method in Methods)
        {
            Assert.True(method.ReturnType == typeof(void) || method.ReturnType == typeof(IntPtr) || method.ReturnType == typeof(nuint), $"{method.Name} returns {method.ReturnType}");
            foreach (var parameter in method.GetParameters())
            {
                var type = parameter.ParameterType.IsByRef ? parameter.ParameterType.GetElementType()! : parameter.ParameterType;
                Assert.True(allowed.Contains(type) || typeof(SafeHandle).IsAssignableFrom(type), $"{method.Name}({parameter.Name}) uses {type}");
            }
        }

        Assert.Equal(sizeof(uint), Marshal.SizeOf(Enum.GetUnderlyingType(typeof(EngineEventFlags))));
        Assert.Equal(sizeof(uint), Marshal.SizeOf(Enum.GetUnderlyingType(typeof(EngineFinishReason))));
    }

    [Fact]
    public void ThrowIfFailed_NullResult_DoesNotThrow()
    {
        NativeError.ThrowIfFailed(IntPtr.Zero);
        Assert.Null(NativeError.TakeMessage(IntPtr.Zero));
    }

    private static string EntryPoint(MethodInfo method) => method.GetCustomAttribute<LibraryImportAttribute>()!.EntryPoint ?? method.Name;
}
