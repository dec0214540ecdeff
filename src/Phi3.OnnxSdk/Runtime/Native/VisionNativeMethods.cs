using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// P/Invoke declarations for the multimodal parts of the onnxruntime-genai 0.18.0 C API that the managed package does
/// not expose: images from several buffers at once (the managed <c>Images.Load(byte[])</c> takes one image), and reading
/// and editing the processor's <c>NamedTensors</c> (the managed class has no accessors). C types in comments. Every
/// <c>OgaResult*</c> is checked through <see cref="NativeError.ThrowIfFailed(IntPtr)"/>.
/// </summary>
internal static partial class VisionNativeMethods
{
    /// <summary>The value of <c>OgaElementType_int64</c>.</summary>
    public const int ElementTypeInt64 = 7;

    // OgaResult* OgaCreateMultiModalProcessor(const OgaModel* model, OgaMultiModalProcessor** out)
    [LibraryImport(NativeMethods.LibraryName)]
    public static partial IntPtr OgaCreateMultiModalProcessor(IntPtr model, out IntPtr processor);

    // void OgaDestroyMultiModalProcessor(OgaMultiModalProcessor* processor)
    [LibraryImport(NativeMethods.LibraryName)]
    public static partial void OgaDestroyMultiModalProcessor(IntPtr processor);

    // OgaResult* OgaLoadImagesFromBuffers(const void** image_data, const size_t* image_data_sizes, size_t count, OgaImages** images)
    [LibraryImport(NativeMethods.LibraryName)]
    public static unsafe partial IntPtr OgaLoadImagesFromBuffers(void** data, nuint* sizes, nuint count, out IntPtr images);

    // void OgaDestroyImages(OgaImages* images)
    [LibraryImport(NativeMethods.LibraryName)]
    public static partial void OgaDestroyImages(IntPtr images);

    // OgaResult* OgaProcessorProcessImages(const OgaMultiModalProcessor*, const char* prompt, const OgaImages* images, OgaNamedTensors** input_tensors)
    [LibraryImport(NativeMethods.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr OgaProcessorProcessImages(OgaProcessorHandle processor, string prompt, OgaImagesHandle images, out IntPtr namedTensors);

    // void OgaDestroyNamedTensors(OgaNamedTensors*)
    [LibraryImport(NativeMethods.LibraryName)]
    public static partial void OgaDestroyNamedTensors(IntPtr namedTensors);

    // OgaResult* OgaNamedTensorsGet(OgaNamedTensors* named_tensors, const char* name, OgaTensor** out)
    [LibraryImport(NativeMethods.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr OgaNamedTensorsGet(OgaNamedTensorsHandle namedTensors, string name, out IntPtr tensor);

    // OgaResult* OgaNamedTensorsDelete(OgaNamedTensors* named_tensors, const char* name)
    [LibraryImport(NativeMethods.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr OgaNamedTensorsDelete(OgaNamedTensorsHandle namedTensors, string name);

    // void OgaDestroyTensor(OgaTensor* tensor)
    [LibraryImport(NativeMethods.LibraryName)]
    public static partial void OgaDestroyTensor(IntPtr tensor);

    // OgaResult* OgaTensorGetType(OgaTensor*, OgaElementType* out)
    [LibraryImport(NativeMethods.LibraryName)]
    public static partial IntPtr OgaTensorGetType(IntPtr tensor, out int elementType);

    // OgaResult* OgaTensorGetShapeRank(OgaTensor*, size_t* out)
    [LibraryImport(NativeMethods.LibraryName)]
    public static partial IntPtr OgaTensorGetShapeRank(IntPtr tensor, out nuint rank);

    // OgaResult* OgaTensorGetShape(OgaTensor*, int64_t* shape_dims, size_t shape_dims_count)
    [LibraryImport(NativeMethods.LibraryName)]
    public static unsafe partial IntPtr OgaTensorGetShape(IntPtr tensor, long* shape, nuint count);

    // OgaResult* OgaTensorGetData(OgaTensor*, void** out)
    [LibraryImport(NativeMethods.LibraryName)]
    public static partial IntPtr OgaTensorGetData(IntPtr tensor, out IntPtr data);

    // OgaResult* OgaGenerator_SetInputs(OgaGenerator* generator, const OgaNamedTensors* named_tensors)
    [LibraryImport(NativeMethods.LibraryName)]
    public static partial IntPtr OgaGenerator_SetInputs(IntPtr generator, OgaNamedTensorsHandle namedTensors);
}
