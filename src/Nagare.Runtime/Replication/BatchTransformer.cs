using System.Collections.Immutable;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Text;

namespace Nagare.Runtime.Replication;

/// <summary>
/// Produces destination batches from source batches for one <see cref="SourcePlan"/>: copies, casts and masks
/// column by column into one reused output batch, fills fan-in columns, and drops rows whose values do not
/// convert (reporting them) when the bad-row policy allows.
/// </summary>
internal sealed class BatchTransformer
{
    private readonly SourcePlan source;
    private readonly ImmutableArray<ColumnSchema> targetColumns;
    private readonly OnError onError;
    private readonly string streamName;
    private ColumnBatch? output;
    private long rowsSeen;

    public BatchTransformer(SourcePlan source, ImmutableArray<ColumnSchema> targetColumns, OnError onError)
    {
        this.source = source;
        this.targetColumns = targetColumns;
        this.onError = onError;
        streamName = source.SourceName ?? source.Stream.Id.ToString();
    }

    /// <summary>The transformed batch (the input itself when nothing changes); bad values go to <paramref name="rejected"/>.</summary>
    public ColumnBatch Transform(ColumnBatch input, List<RejectedRow> rejected)
    {
        var rows = input.RowCount;
        var firstRow = input.FirstRowNumber > 0 ? input.FirstRowNumber : rowsSeen + 1;
        rowsSeen += rows;
        if (source.IsIdentity)
        {
            return input;
        }

        if (output is null || output.Capacity < rows)
        {
            output = new ColumnBatch(targetColumns, Math.Max(rows, input.Capacity));
        }

        output.Reset();
        output.Origin = input.Origin;
        output.FirstRowNumber = input.FirstRowNumber;
        bool[]? bad = null;
        for (var c = 0; c < targetColumns.Length; c++)
        {
            var plan = source.Columns[c];
            var to = output.Columns[c];
            switch (plan.Operation)
            {
                case ColumnOperation.Copy:
                    CopyVector(input.Columns[plan.SourceIndex], to, rows);
                    break;
                case ColumnOperation.Mask:
                    Masking.Apply(input.Columns[plan.SourceIndex], (ColumnVector<string?>)to, rows, plan.Mask!.Value, plan.MaskSecret);
                    break;
                case ColumnOperation.SourceName:
                    Array.Fill(((ColumnVector<string?>)to).Values, streamName, 0, rows);
                    Array.Clear(to.Nulls, 0, rows);
                    break;
                case ColumnOperation.Null:
                    Array.Fill(to.Nulls, true, 0, rows);
                    break;
                case ColumnOperation.Cast:
                    Cast(input, plan.SourceIndex, to, rows, c, firstRow, input.Origin, rejected, ref bad);
                    break;
            }
        }

        output.RowCount = bad is null ? rows : Compact(output, bad, rows);
        return output;
    }

    private void Cast(ColumnBatch input, int sourceIndex, ColumnVector to, int rows, int targetIndex, long firstRow, string? origin, List<RejectedRow> rejected, ref bool[]? bad)
    {
        var from = input.Columns[sourceIndex];
        var nulls = from.Nulls;
        for (var i = 0; i < rows; i++)
        {
            if (nulls[i])
            {
                to.SetBoxed(i, null);
                continue;
            }

            var value = from.GetBoxed(i)!;
            try
            {
                to.SetBoxed(i, ValueCast.Convert(value, to.Type));
            }
            catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
            {
                var column = targetColumns[targetIndex].Name;
                var reason = $"cannot cast '{ValueFormat.Format(value)}' ({from.Type}) to {to.Type}: {e.Message}";
                if (onError == OnError.Fail)
                {
                    throw new ConnectorException($"{streamName}: row {firstRow + i}: column {column}: {reason}.") { Stream = streamName };
                }

                bad ??= new bool[rows];
                bad[i] = true;
                to.SetBoxed(i, null);
                rejected.Add(new RejectedRow(streamName, origin ?? streamName, firstRow + i, column, reason, RawRow(input, i)));
            }
        }
    }

    private static string RawRow(ColumnBatch batch, int row) =>
        string.Join(",", batch.Columns.Select(c => ValueFormat.Format(c.GetBoxed(row))));

    private static int Compact(ColumnBatch batch, bool[] bad, int rows)
    {
        var kept = 0;
        for (var r = 0; r < rows; r++)
        {
            if (bad[r])
            {
                continue;
            }

            if (kept != r)
            {
                foreach (var column in batch.Columns)
                {
                    var values = ValuesOf(column);
                    Array.Copy(values, r, values, kept, 1);
                    column.Nulls[kept] = column.Nulls[r];
                }
            }

            kept++;
        }

        return kept;
    }

    /// <summary>Copies values and NULL flags of the first <paramref name="rows"/> rows between vectors of one value type.</summary>
    internal static void CopyVector(ColumnVector from, ColumnVector to, int rows)
    {
        Array.Copy(ValuesOf(from), ValuesOf(to), rows);
        Array.Copy(from.Nulls, to.Nulls, rows);
    }

    internal static Array ValuesOf(ColumnVector vector) => vector switch
    {
        ColumnVector<bool> v => v.Values,
        ColumnVector<sbyte> v => v.Values,
        ColumnVector<short> v => v.Values,
        ColumnVector<int> v => v.Values,
        ColumnVector<long> v => v.Values,
        ColumnVector<byte> v => v.Values,
        ColumnVector<ushort> v => v.Values,
        ColumnVector<uint> v => v.Values,
        ColumnVector<ulong> v => v.Values,
        ColumnVector<float> v => v.Values,
        ColumnVector<double> v => v.Values,
        ColumnVector<Int128> v => v.Values,
        ColumnVector<string?> v => v.Values,
        ColumnVector<byte[]?> v => v.Values,
        ColumnVector<DateOnly> v => v.Values,
        ColumnVector<TimeOnly> v => v.Values,
        ColumnVector<DateTime> v => v.Values,
        ColumnVector<DateTimeOffset> v => v.Values,
        ColumnVector<Core.Types.Interval> v => v.Values,
        ColumnVector<Guid> v => v.Values,
        ColumnVector<object?[]?> v => v.Values,
        ColumnVector<IReadOnlyDictionary<string, object?>?> v => v.Values,
        _ => throw new ArgumentOutOfRangeException(nameof(vector), vector.Type, "Unknown vector type."),
    };
}
