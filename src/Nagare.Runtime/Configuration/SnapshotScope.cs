namespace Nagare.Runtime.Configuration;

/// <summary>How far one moment of a source reaches in a sync run (<c>snapshot:</c> of a sync).</summary>
public enum SnapshotScope
{
    /// <summary>Each table is read at a moment of its own (one statement; a chunked table's chunks share one).</summary>
    Table,

    /// <summary>Every table of the run is read at one moment of each source connection.</summary>
    Run,
}
