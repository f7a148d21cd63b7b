using Nagare.Connectors.Common;

namespace Nagare.Runtime.Activations;

/// <summary>The warehouse tables an activation keeps beside its snapshot, as SQL names.</summary>
public static class ActivationTables
{
    /// <summary>The records a destination rejected and no later run delivered: key, operation, record, http_status, response, error, run_id, rejected_at.</summary>
    public static string Rejected(string activation) => $"{DuckDbDialect.Quote(ActivationDiff.Schema)}.{DuckDbDialect.Quote(activation + "__rejected")}";

    /// <summary>The requests and answers of the runs of the last <c>retention_days</c> (secrets redacted, bodies cut to 4 KiB).</summary>
    public static string Requests(string activation) => $"{DuckDbDialect.Quote(ActivationDiff.Schema)}.{DuckDbDialect.Quote(activation + "__requests")}";

    /// <summary>The result of a query on another connection than the warehouse, as last read (replaced each run).</summary>
    public static string Source(string activation) => $"{DuckDbDialect.Quote(ActivationDiff.Schema)}.{DuckDbDialect.Quote(activation + "__source")}";
}
