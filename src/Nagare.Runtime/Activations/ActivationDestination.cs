using System.Collections.Immutable;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations;

/// <summary>
/// Where an activation sends its rows. Each kind is a record of its own (<see cref="DatabaseDestination"/>,
/// <see cref="FilesDestination"/>); HTTP APIs and object storage are further kinds, read by the same loader.
/// </summary>
/// <param name="Mode">What a run sends.</param>
/// <param name="Key">Destination fields identifying a record; required for upsert, mirror and changes.</param>
/// <param name="Location">Where the destination was defined.</param>
public abstract record ActivationDestination(ActivationMode Mode, ImmutableArray<string> Key, ConfigLocation Location)
{
    /// <summary>The kinds of destination this version writes, as <c>type:</c> names them.</summary>
    public static IReadOnlyList<string> SupportedTypes { get; } = ["database", "files", "s3", "http"];

    /// <summary>The kind of destination, as <c>type:</c> names it (one of <see cref="SupportedTypes"/>).</summary>
    public abstract string Type { get; }

    /// <summary>The destination as users name it (a connection's table, a folder).</summary>
    public abstract string Display { get; }

    /// <summary>What identifies the destination's delivered rows: a run towards another one starts from an empty snapshot.</summary>
    public abstract string Identity { get; }

    /// <summary>Whether records gone from the result count as deletes in the modes that delete (an HTTP API in mode changes only when it has a delete request).</summary>
    public virtual bool CountsDeletes => true;
}
