using Phi3.OnnxSdk.SyntheticModels.Onnx;

namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// Builds the phi3v vision graph: <c>pixel_values</c> <c>[num_images, max_num_crops, 3, 336, 336]</c>
/// and <c>image_sizes</c> <c>[num_images, 2]</c> in, <c>image_features</c>
/// <c>[num_image_tokens, hidden]</c> out. Each crop gets a 14 x 14 patch embedding (Conv) and the
/// 2 x 2 merge (SpaceToDepth) into 144 merged patches; then, without a loop, every output row
/// computes from <c>image_sizes</c> which merged patch (or newline / separator embedding) it takes,
/// in Phi-3-vision's order: per image the sub-image grid row by row with a newline after each token
/// row, the separator, the global crop with its newlines. The rows go through the two-layer GELU
/// projection. The row count is therefore exactly what <see cref="Phi3VisionTokenRule"/> gives for
/// every image, and the features depend on the pixels.
/// </summary>
internal sealed class VisionGraphBuilder
{
    private const int PatchSize = 14;
    private const string P = "/vision";

    private readonly SyntheticModelOptions _options;
    private readonly SyntheticVisionOptions _vision;
    private readonly LayerBuilder _layers;

    public VisionGraphBuilder(SyntheticModelOptions options, OnnxGraph graph)
    {
        _options = options;
        _vision = options.Vision ?? throw new ArgumentException("The options describe no vision model.", nameof(options));
        _layers = new LayerBuilder(options, graph);
    }

    private OnnxGraph Graph => _layers.Graph;

    public void Build()
    {
        int hidden = _options.HiddenSize;
        int clip = _vision.ClipHiddenSize;
        int merged = 4 * clip;
        Graph.Inputs.Add(new OnnxValueInfo("pixel_values", OnnxDataType.Float, ["num_images", "max_num_crops", 3, "height", "width"]));
        Graph.Inputs.Add(new OnnxValueInfo("image_sizes", OnnxDataType.Int64, ["num_images", 2]));
        Graph.Outputs.Add(new OnnxValueInfo("image_features", OnnxDataType.Float, ["num_image_tokens", hidden]));

        string table = AddPatchTable(clip, merged, out string subNewlineRow, out string separatorRow, out string cropsPerImage);
        string rowIndex = AddRowIndex(subNewlineRow, separatorRow, cropsPerImage);
        string rows = _layers.Op($"{P}/rows/Gather", "Gather", [table, rowIndex], OnnxAttribute.Of("axis", 0L));

        string first = _layers.Linear($"{P}/img_projection/0", "vision.img_projection.0", rows, merged, hidden);
        string activated = _layers.Op($"{P}/img_projection/1/Gelu", "Gelu", LayerBuilder.MicrosoftDomain, [first]);
        _layers.Linear($"{P}/img_projection/2", "vision.img_projection.2", activated, hidden, hidden, output: "image_features");
    }

    /// <summary>
    /// Every merged patch of every crop as a row of <c>[num_images * max_num_crops * 144 + 2, 4 * clip]</c>,
    /// followed by the learned newline and separator rows.
    /// </summary>
    private string AddPatchTable(int clip, int merged, out string subNewlineRow, out string separatorRow, out string cropsPerImage)
    {
        int crop = Phi3VisionTokenRule.CropSize;
        string cropShape = _layers.Int64($"{P}/crops/shape", [4], -1, 3, crop, crop);
        string crops = _layers.Op($"{P}/crops/Reshape", "Reshape", ["pixel_values", cropShape]);

        string patchWeight = Graph.AddInitializer("vision.patch_embedding.weight", OnnxDataType.Float, [clip, 3, PatchSize, PatchSize],
            _layers.Weights.Floats("vision.patch_embedding.weight", (long)clip * 3 * PatchSize * PatchSize, 1f / MathF.Sqrt(3 * PatchSize * PatchSize)));
        string patches = _layers.Op($"{P}/patch_embedding/Conv", "Conv", [crops, patchWeight],
            OnnxAttribute.Of("kernel_shape", [PatchSize, PatchSize]), OnnxAttribute.Of("strides", [PatchSize, PatchSize]));
        string merge = _layers.Op($"{P}/merge/SpaceToDepth", "SpaceToDepth", [patches], OnnxAttribute.Of("blocksize", 2L));
        string mergedShape = _layers.Int64($"{P}/merge/shape", [3], 0, merged, Phi3VisionTokenRule.TokensPerCrop);
        string flat = _layers.Op($"{P}/merge/Reshape", "Reshape", [merge, mergedShape]);
        string tokensFirst = _layers.Op($"{P}/merge/Transpose", "Transpose", [flat], OnnxAttribute.Of("perm", [0L, 2, 1]));
        string rowShape = _layers.Int64($"{P}/merge/row_shape", [2], -1, merged);
        string patchRows = _layers.Op($"{P}/merge/rows", "Reshape", [tokensFirst, rowShape]);

        string newline = Graph.AddInitializer("vision.sub_GN", OnnxDataType.Float, [1, merged],
            _layers.Weights.Floats("vision.sub_GN", merged, 1f));
        string separator = Graph.AddInitializer("vision.glb_GN", OnnxDataType.Float, [1, merged],
            _layers.Weights.Floats("vision.glb_GN", merged, 1f));
        string table = _layers.Op($"{P}/table/Concat", "Concat", [patchRows, newline, separator], OnnxAttribute.Of("axis", 0L));

        // Row numbers of the newline and separator: right after the patch rows.
        string shape = _layers.Op($"{P}/pixel_values/Shape", "Shape", ["pixel_values"]);
        string numImages = Gather0(shape, 0, "num_images");
        cropsPerImage = Gather0(shape, 1, "max_num_crops");
        string patchCount = Mul(Mul(numImages, cropsPerImage, "crop_count"), Const("tokens_per_crop", Phi3VisionTokenRule.TokensPerCrop), "patch_count");
        subNewlineRow = patchCount;
        separatorRow = Add(patchCount, Const("one", 1), "separator_row");
        return table;
    }

    /// <summary>For each output row r in 0..num_image_tokens-1, the table row it takes.</summary>
    private string AddRowIndex(string subNewlineRow, string separatorRow, string cropsPerImage)
    {
        const int rowsPerCrop = Phi3VisionTokenRule.TokenRowsPerCrop;
        string twelve = Const("twelve", rowsPerCrop);
        string one = Const("one", 1);

        // Per image: crop rows m = h / 336, crop columns n = w / 336, sub-grid row length n*12+1,
        // sub-grid size m*12*(n*12+1), total = sub-grid + separator + 12*13 global rows.
        string sizeAxis = _layers.Int64($"{P}/sizes/axis1", [], 0);
        string heights = _layers.Op($"{P}/sizes/height", "Gather", ["image_sizes", sizeAxis], OnnxAttribute.Of("axis", 1L));
        string widthAxis = _layers.Int64($"{P}/sizes/axis1_w", [], 1);
        string widths = _layers.Op($"{P}/sizes/width", "Gather", ["image_sizes", widthAxis], OnnxAttribute.Of("axis", 1L));
        string crop = Const("crop_size", Phi3VisionTokenRule.CropSize);
        string m = Div(heights, crop, "crop_rows");
        string n = Div(widths, crop, "crop_columns");
        string subColumns = Mul(n, twelve, "sub_columns");
        string rowLength = Add(subColumns, one, "row_length");
        string subCount = Mul(Mul(m, twelve, "sub_rows"), rowLength, "sub_count");
        string globalCount = Const("global_count", (rowsPerCrop * (rowsPerCrop + 1)) + 1);
        string counts = Add(subCount, globalCount, "counts");

        // Which image each output row belongs to, and its offset inside that image.
        string zeroAxis = _layers.Int64($"{P}/axis0", [], 0);
        string ends = _layers.Op($"{P}/image_ends", "CumSum", [counts, zeroAxis]);
        string starts = _layers.Op($"{P}/image_starts", "Sub", [ends, counts]);
        string total = _layers.Op($"{P}/total", "ReduceSum", [counts], OnnxAttribute.Of("keepdims", 0L));
        string r = _layers.Op($"{P}/rows/Range", "Range", [Const("zero", 0), total, one]);
        string rColumn = _layers.Op($"{P}/rows/Unsqueeze", "Unsqueeze", [r, _layers.Int64($"{P}/rows/axes", [1], 1)]);
        string past = _layers.Op($"{P}/rows/past_end", "GreaterOrEqual", [rColumn, ends]);
        string pastCount = _layers.Op($"{P}/rows/past_end/Cast", "Cast", [past], OnnxAttribute.Of("to", (long)OnnxDataType.Int64));
        string image = _layers.Op($"{P}/rows/image", "ReduceSum", [pastCount, _layers.Int64($"{P}/rows/image/axes", [1], 1)], OnnxAttribute.Of("keepdims", 0L));
        string local = _layers.Op($"{P}/rows/local", "Sub", [r, PerRow(starts, image, "start")]);
        string imageCrops = Mul(image, cropsPerImage, "image_first_crop");

        // The sub-image grid: row-major over (m*12) x (n*12+1), the last column is the newline.
        string rowLengthPerRow = PerRow(rowLength, image, "row_length");
        string gridRow = Div(local, rowLengthPerRow, "grid_row");
        string gridColumn = Mod(local, rowLengthPerRow, "grid_column");
        string cropIndex = Add(Add(Mul(Div(gridRow, twelve, "crop_row"), PerRow(n, image, "n"), "crop_row_offset"), Div(gridColumn, twelve, "crop_column"), "crop_in_grid"), one, "crop");
        string patch = Add(Mul(Mod(gridRow, twelve, "patch_row"), twelve, "patch_row_offset"), Mod(gridColumn, twelve, "patch_column"), "patch");
        string subPatchRow = PatchRow(Add(imageCrops, cropIndex, "sub_crop"), patch, "sub_patch_row");
        string isSubNewline = _layers.Op($"{P}/rows/is_sub_newline", "Equal", [gridColumn, PerRow(subColumns, image, "sub_columns")]);
        string subRow = _layers.Op($"{P}/rows/sub_row", "Where", [isSubNewline, subNewlineRow, subPatchRow]);

        // The global crop (crop 0) after the separator: 12 rows of 12 patches and a newline.
        string subCountPerRow = PerRow(subCount, image, "sub_count");
        string globalOffset = _layers.Op($"{P}/rows/global_offset", "Sub", [_layers.Op($"{P}/rows/global_local", "Sub", [local, subCountPerRow]), one]);
        string thirteen = Const("thirteen", rowsPerCrop + 1);
        string globalColumn = Mod(globalOffset, thirteen, "global_column");
        string globalPatch = Add(Mul(Div(globalOffset, thirteen, "global_row"), twelve, "global_row_offset"), globalColumn, "global_patch");
        string globalPatchRow = PatchRow(imageCrops, globalPatch, "global_patch_row");
        string isGlobalNewline = _layers.Op($"{P}/rows/is_global_newline", "Equal", [globalColumn, twelve]);
        string globalRow = _layers.Op($"{P}/rows/global_row_or_newline", "Where", [isGlobalNewline, subNewlineRow, globalPatchRow]);
        string isSeparator = _layers.Op($"{P}/rows/is_separator", "Equal", [local, subCountPerRow]);
        string afterSub = _layers.Op($"{P}/rows/after_sub", "Where", [isSeparator, separatorRow, globalRow]);

        string inSub = _layers.Op($"{P}/rows/in_sub", "Less", [local, subCountPerRow]);
        return _layers.Op($"{P}/rows/index", "Where", [inSub, subRow, afterSub]);
    }

    private string PatchRow(string cropRow, string patch, string name) =>
        Add(Mul(cropRow, Const("tokens_per_crop", Phi3VisionTokenRule.TokensPerCrop), $"{name}_base"), patch, name);

    private string PerRow(string perImage, string image, string name) =>
        _layers.Op($"{P}/rows/{name}/Gather", "Gather", [perImage, image], OnnxAttribute.Of("axis", 0L));

    private string Gather0(string vector, long index, string name) =>
        _layers.Op($"{P}/{name}/Gather", "Gather", [vector, _layers.Int64($"{P}/{name}/index", [], index)], OnnxAttribute.Of("axis", 0L));

    private string Const(string name, long value)
    {
        string full = $"{P}/const/{name}";
        if (!Graph.Initializers.Exists(i => i.Name == full))
        {
            _layers.Int64(full, [], value);
        }

        return full;
    }

    private string Add(string a, string b, string name) => _layers.Op($"{P}/{name}/Add", "Add", [a, b]);

    private string Mul(string a, string b, string name) => _layers.Op($"{P}/{name}/Mul", "Mul", [a, b]);

    private string Div(string a, string b, string name) => _layers.Op($"{P}/{name}/Div", "Div", [a, b]);

    private string Mod(string a, string b, string name) => _layers.Op($"{P}/{name}/Mod", "Mod", [a, b]);
}
