namespace Nagare.Core.Connectors;

/// <summary>Treatment of target rows whose key no longer exists in the source.</summary>
public enum DeleteDetection
{
    /// <summary>Keep them.</summary>
    None,

    /// <summary>Set the soft-delete column to the sync time.</summary>
    Soft,

    /// <summary>Delete them.</summary>
    Hard,
}
