namespace Nagare.Core.Connectors;

/// <summary>The names users write for <see cref="WriteMode"/> in YAML and read in messages and JSON.</summary>
public static class WriteModeNames
{
    /// <summary><c>full_refresh</c>, <c>append</c>, <c>incremental</c> or <c>merge</c>.</summary>
    public static string Name(this WriteMode mode) => mode switch
    {
        WriteMode.FullRefresh => "full_refresh",
        WriteMode.Append => "append",
        WriteMode.Incremental => "incremental",
        WriteMode.Merge => "merge",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown write mode."),
    };
}
