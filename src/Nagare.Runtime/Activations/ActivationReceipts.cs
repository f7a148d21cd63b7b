namespace Nagare.Runtime.Activations;

/// <summary>
/// What a destination that answers record by record (an HTTP API) said about a run's records: the keys it confirmed,
/// the records it refused for good, and the requests kept for inspection. Only confirmed records advance the snapshot
/// of delivered records, so the next run sends again exactly those that were not confirmed. Safe for concurrent use.
/// </summary>
public sealed class ActivationReceipts
{
    private readonly object gate = new();
    private readonly List<ActivationConfirmedRange> confirmed = [];
    private readonly List<ActivationRejection> rejections = [];
    private readonly List<ActivationExchange> exchanges = [];
    private long inserted;
    private long updated;
    private long deleted;
    private long requests;

    /// <summary>Receipts whose requests are kept <paramref name="retentionDays"/> days (0: none).</summary>
    public ActivationReceipts(int retentionDays, int maxExchanges = 10_000)
    {
        RetentionDays = retentionDays;
        MaxExchanges = maxExchanges;
    }

    /// <summary>Days requests are kept in the warehouse; 0 keeps none.</summary>
    public int RetentionDays { get; }

    /// <summary>Most attempts kept per run (the first ones); later ones are counted, not kept.</summary>
    public int MaxExchanges { get; }

    /// <summary>Where the confirmed records are in the order they were read: a range of places for each run of them.</summary>
    public IReadOnlyList<ActivationConfirmedRange> ConfirmedRanges
    {
        get
        {
            lock (gate)
            {
                return [.. confirmed];
            }
        }
    }

    /// <summary>The records refused for good, in the order they were refused.</summary>
    public IReadOnlyList<ActivationRejection> Rejections
    {
        get
        {
            lock (gate)
            {
                return [.. rejections];
            }
        }
    }

    /// <summary>The attempts kept, in the order they were made.</summary>
    public IReadOnlyList<ActivationExchange> Exchanges
    {
        get
        {
            lock (gate)
            {
                return [.. exchanges.OrderBy(e => e.Sequence).ThenBy(e => e.Attempt)];
            }
        }
    }

    /// <summary>Inserts confirmed.</summary>
    public long Inserted => Interlocked.Read(ref inserted);

    /// <summary>Updates confirmed.</summary>
    public long Updated => Interlocked.Read(ref updated);

    /// <summary>Deletes confirmed.</summary>
    public long Deleted => Interlocked.Read(ref deleted);

    /// <summary>Records refused.</summary>
    public long Rejected
    {
        get
        {
            lock (gate)
            {
                return rejections.Count;
            }
        }
    }

    /// <summary>Requests made, retries included.</summary>
    public long Requests => Interlocked.Read(ref requests);

    /// <summary>Why the run stopped before every record was answered (credentials refused, cancelled), or null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Whether every record sent was confirmed and the run went to its end.</summary>
    public bool AllConfirmed
    {
        get
        {
            lock (gate)
            {
                return rejections.Count == 0 && Failure is null;
            }
        }
    }

    /// <summary>The destination confirmed <paramref name="record"/>.</summary>
    public void Confirm(ActivationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Confirm([record]);
    }

    /// <summary>
    /// The destination confirmed every one of <paramref name="records"/> (a whole request). A request's records are
    /// neighbours in the order they were read, so they are kept as one range, not a key each: a million records
    /// confirmed take a few thousand ranges, not a million strings held until the run ends.
    /// </summary>
    public void Confirm(IReadOnlyList<ActivationRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        long inserts = 0, updates = 0, deletes = 0;
        lock (gate)
        {
            foreach (var record in records)
            {
                var last = confirmed.Count - 1;
                if (last >= 0 && confirmed[last].Part == record.Part && confirmed[last].Last + 1 == record.Ordinal)
                {
                    confirmed[last] = confirmed[last] with { Last = record.Ordinal };
                }
                else
                {
                    confirmed.Add(new ActivationConfirmedRange(record.Part, record.Ordinal, record.Ordinal));
                }

                switch (record.Operation)
                {
                    case "delete":
                        deletes++;
                        break;
                    case "update":
                        updates++;
                        break;
                    default:
                        inserts++;
                        break;
                }
            }
        }

        Interlocked.Add(ref inserted, inserts);
        Interlocked.Add(ref updated, updates);
        Interlocked.Add(ref deleted, deletes);
    }

    /// <summary>The destination refused <paramref name="record"/> for good.</summary>
    public void Reject(ActivationRecord record, int? status, string? response, string error)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (gate)
        {
            rejections.Add(new ActivationRejection(record.Key, record.Operation, record.Json, status, response, error));
        }
    }

    /// <summary>Whether an attempt made now would be kept: the caller need not prepare what would be thrown away.</summary>
    public bool KeepsExchanges
    {
        get
        {
            lock (gate)
            {
                return RetentionDays > 0 && exchanges.Count < MaxExchanges;
            }
        }
    }

    /// <summary>One attempt was made; it is kept when retention is on and the run has kept fewer than <see cref="MaxExchanges"/>.</summary>
    public void Attempted(ActivationExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        Interlocked.Increment(ref requests);
        lock (gate)
        {
            if (RetentionDays > 0 && exchanges.Count < MaxExchanges)
            {
                exchanges.Add(exchange);
            }
        }
    }

    /// <summary>The run stopped early for <paramref name="failure"/>; the first reason is kept.</summary>
    public void Fail(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        lock (gate)
        {
            Failure ??= failure;
        }
    }
}
