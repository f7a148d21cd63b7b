namespace Nagare.Core.Connectors;

/// <summary>What a writer does when the target's columns differ from the incoming ones.</summary>
public enum SchemaChangePolicy
{
    /// <summary>Add new columns and widen types; stop the stream with a <see cref="SchemaChangeException"/> on an incompatible change. Never drops data.</summary>
    Evolve,

    /// <summary>Any difference stops the stream with a <see cref="SchemaChangeException"/>.</summary>
    Fail,
}
