namespace Nagare.Templating;

/// <summary>
/// Settings of a <see cref="TemplateEnvironment"/>. The defaults mirror how dbt configures Jinja:
/// undefined names render as empty text, no block trimming, and one trailing newline of the source is dropped.
/// The limits keep a hostile or buggy template from exhausting the host.
/// </summary>
public sealed record TemplateOptions
{
    /// <summary>Keep a single trailing newline at the end of the source. Default <c>false</c> (Jinja's default).</summary>
    public bool KeepTrailingNewline { get; init; }

    /// <summary>Remove the first newline after a block tag. Default <c>false</c>.</summary>
    public bool TrimBlocks { get; init; }

    /// <summary>Strip spaces and tabs from the start of a line up to a block tag. Default <c>false</c>.</summary>
    public bool LstripBlocks { get; init; }

    /// <summary>
    /// Provide dbt's <c>return(value)</c> global: a macro calling it returns the value instead of its text.
    /// Default <c>true</c>.
    /// </summary>
    public bool EnableReturn { get; init; } = true;

    /// <summary>
    /// Raise an error when an undefined name is printed or iterated instead of treating it as empty.
    /// Default <c>false</c> (dbt's behaviour). An attribute or item of an undefined raises in both modes.
    /// </summary>
    public bool StrictUndefined { get; init; }

    /// <summary>Total loop iterations allowed in one render, across all loops. Default 1,000,000; at least 1.</summary>
    public long MaxLoopIterations { get; init; } = 1_000_000;

    /// <summary>Largest output, and largest string built by an expression, in characters. Default 16,777,216.</summary>
    public int MaxOutputLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of macro calls, caller blocks and recursive loops. Default 100.</summary>
    public int MaxRecursionDepth { get; init; } = 100;

    /// <summary>Deepest nesting of expressions and blocks accepted by the parser. Default 200.</summary>
    public int MaxNestingDepth { get; init; } = 200;

    /// <summary>Largest <c>range()</c> a template may create (Jinja's sandbox uses 100,000). Default 100,000.</summary>
    public int MaxRange { get; init; } = 100_000;
}
