namespace Phi3.OnnxSdk.Catalog;

/// <summary>Thrown when a model catalog is malformed; the message names the catalog, the entry and what to fix.</summary>
public sealed class ModelCatalogException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="ModelCatalogException"/> class.</summary>
    public ModelCatalogException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelCatalogException"/> class.</summary>
    /// <param name="message">The message.</param>
    public ModelCatalogException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelCatalogException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelCatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelCatalogException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="source">The catalog file or name the error was found in.</param>
    /// <param name="entryId">The entry at fault, or <see langword="null"/> when the error is not in one entry.</param>
    public ModelCatalogException(string message, string? source, string? entryId)
        : base(message)
    {
        CatalogSource = source;
        EntryId = entryId;
    }

    /// <summary>Gets the catalog file or name the error was found in, or <see langword="null"/>.</summary>
    public string? CatalogSource { get; }

    /// <summary>Gets the identifier (or index, when the identifier is missing) of the entry at fault, or <see langword="null"/>.</summary>
    public string? EntryId { get; }
}
