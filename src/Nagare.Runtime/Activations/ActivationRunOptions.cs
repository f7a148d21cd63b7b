namespace Nagare.Runtime.Activations;

/// <summary>How one run of an activation is made.</summary>
/// <param name="RunDate">The run's date (<c>{{ run_date }}</c> in file names); today in the project's time zone when null.</param>
public sealed record ActivationRunOptions(DateOnly? RunDate = null)
{
    /// <summary>The pipeline run's id when run as a step (<c>{{ run_id }}</c>), else 0.</summary>
    public long RunId { get; init; }

    /// <summary>Ignore what was delivered before: send the whole result as if to a new destination.</summary>
    public bool Full { get; init; }

    /// <summary>Send only the records a destination rejected before (and still to be sent); clear those it now confirms.</summary>
    public bool RetryRejected { get; init; }

    /// <summary>How long to wait for the warehouse file while another process holds it.</summary>
    public TimeSpan LockWait { get; init; }

    /// <summary>Progress lines (result computed, rows sent, committed), or null.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>Sample records kept per kind in the plan.</summary>
    public int SampleSize { get; init; } = 5;
}
