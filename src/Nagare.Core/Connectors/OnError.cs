namespace Nagare.Core.Connectors;

/// <summary>What a read does with a malformed input row (configuration key <c>on_error</c>).</summary>
public enum OnError
{
    /// <summary>Stop at the first malformed row with a <see cref="ConnectorException"/> naming where and why; nothing is committed.</summary>
    Fail,

    /// <summary>Leave malformed rows out; they are still reported as <see cref="RejectedRow"/>s so they can be counted and logged.</summary>
    Skip,

    /// <summary>Leave malformed rows out and keep them (e.g. in a <c>_rejected</c> table) with where and why.</summary>
    Quarantine,
}
