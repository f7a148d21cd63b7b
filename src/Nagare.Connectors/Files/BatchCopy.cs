using Nagare.Core.Batches;
using Nagare.Core.Types;

namespace Nagare.Connectors.Files;

/// <summary>
/// Copies rows of a batch into a batch the caller owns, so a writer can hand the copy to another thread and give the
/// original back to its source at once. Text a source left as UTF-8 stays UTF-8; other values are copied slot by slot
/// (lists and structs by reference: sources build a new object per value).
/// </summary>
internal static class BatchCopy
{
    /// <summary>Replaces the rows of <paramref name="target"/> with rows <paramref name="first"/>..+<paramref name="count"/> of <paramref name="source"/>.</summary>
    public static void Rows(ColumnBatch source, int first, int count, ColumnBatch target)
    {
        target.Reset();
        for (var c = 0; c < source.Columns.Length; c++)
        {
            var from = source.Columns[c];
            var to = target.Columns[c];
            Array.Copy(from.Nulls, first, to.Nulls, 0, count);
            switch (from)
            {
                case ColumnVector<string?> { Utf8: { } utf8 }:
                    var bytes = ((ColumnVector<string?>)to).BeginUtf8();
                    for (var i = 0; i < count; i++)
                    {
                        bytes.Set(i, utf8[first + i]);
                    }

                    break;
                case ColumnVector<bool> v: Values(v, first, count, to); break;
                case ColumnVector<sbyte> v: Values(v, first, count, to); break;
                case ColumnVector<short> v: Values(v, first, count, to); break;
                case ColumnVector<int> v: Values(v, first, count, to); break;
                case ColumnVector<long> v: Values(v, first, count, to); break;
                case ColumnVector<byte> v: Values(v, first, count, to); break;
                case ColumnVector<ushort> v: Values(v, first, count, to); break;
                case ColumnVector<uint> v: Values(v, first, count, to); break;
                case ColumnVector<ulong> v: Values(v, first, count, to); break;
                case ColumnVector<float> v: Values(v, first, count, to); break;
                case ColumnVector<double> v: Values(v, first, count, to); break;
                case ColumnVector<decimal> v: Values(v, first, count, to); break;
                case ColumnVector<string?> v: Values(v, first, count, to); break;
                case ColumnVector<byte[]?> v: Values(v, first, count, to); break;
                case ColumnVector<DateOnly> v: Values(v, first, count, to); break;
                case ColumnVector<TimeOnly> v: Values(v, first, count, to); break;
                case ColumnVector<DateTime> v: Values(v, first, count, to); break;
                case ColumnVector<DateTimeOffset> v: Values(v, first, count, to); break;
                case ColumnVector<Guid> v: Values(v, first, count, to); break;
                case ColumnVector<Interval> v: Values(v, first, count, to); break;
                case ColumnVector<object?[]?> v: Values(v, first, count, to); break;
                case ColumnVector<IReadOnlyDictionary<string, object?>?> v: Values(v, first, count, to); break;
                default:
                    throw new ArgumentException($"Unsupported vector {from.GetType().Name} of type {from.Type}.", nameof(source));
            }
        }

        target.RowCount = count;
        target.Origin = source.Origin;
        target.FirstRowNumber = source.FirstRowNumber > 0 ? source.FirstRowNumber + first : 0;
    }

    private static void Values<T>(ColumnVector<T> from, int first, int count, ColumnVector to) =>
        Array.Copy(from.Values, first, ((ColumnVector<T>)to).Values, 0, count);
}
