using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Types;
using Npgsql;
using NpgsqlTypes;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// Reads one column of a binary COPY row straight into its batch vector. One small reader per wire type,
/// chosen once per read; values go into the vector's array without boxing.
/// </summary>
internal abstract class PostgresColumnReader
{
    /// <summary>Reads the current column of the current row into <paramref name="row"/>.</summary>
    public abstract ValueTask ReadAsync(NpgsqlBinaryExporter exporter, int row, CancellationToken cancellationToken);

    /// <summary>The reader for a column of canonical type <paramref name="type"/> arriving as <paramref name="wire"/>.</summary>
    /// <param name="vector">The batch vector to fill.</param>
    /// <param name="type">The canonical type.</param>
    /// <param name="wire">The PostgreSQL type on the wire.</param>
    /// <param name="describe">Names the column and table, for errors.</param>
    public static PostgresColumnReader Create(ColumnVector vector, ColumnType type, NpgsqlDbType wire, Func<string> describe) => type.Kind switch
    {
        ColumnKind.Boolean => new ValueReader<bool>(vector, wire),
        ColumnKind.Int16 => new ValueReader<short>(vector, wire),
        ColumnKind.Int32 => new ValueReader<int>(vector, wire),
        ColumnKind.Int64 => new ValueReader<long>(vector, wire),
        ColumnKind.Float32 => new ValueReader<float>(vector, wire),
        ColumnKind.Float64 => new ValueReader<double>(vector, wire),
        ColumnKind.Decimal => new DecimalReader(vector, type, wire, describe),
        ColumnKind.String or ColumnKind.Json => new ReferenceReader<string>(vector, wire),
        ColumnKind.Bytes => new ReferenceReader<byte[]>(vector, wire),
        ColumnKind.Date => new ValueReader<DateOnly>(vector, wire),
        ColumnKind.Time => new ValueReader<TimeOnly>(vector, wire),
        ColumnKind.Timestamp => new ValueReader<DateTime>(vector, wire),
        ColumnKind.TimestampTz => new ValueReader<DateTimeOffset>(vector, wire),
        ColumnKind.Interval => new NarrowingReader<NpgsqlInterval, Interval>(vector, wire, i => new Interval(i.Months, i.Days, i.Time), describe),
        ColumnKind.Uuid => new ValueReader<Guid>(vector, wire),
        ColumnKind.Int8 => new NarrowingReader<short, sbyte>(vector, wire, v => checked((sbyte)v), describe),
        ColumnKind.UInt8 => new NarrowingReader<short, byte>(vector, wire, v => checked((byte)v), describe),
        ColumnKind.UInt16 => new NarrowingReader<int, ushort>(vector, wire, v => checked((ushort)v), describe),
        ColumnKind.UInt32 => new NarrowingReader<long, uint>(vector, wire, v => checked((uint)v), describe),
        ColumnKind.UInt64 => new NarrowingReader<decimal, ulong>(vector, wire, v => decimal.ToUInt64(v), describe),
        ColumnKind.List => CreateList(vector, type.Element!, wire, describe),
        _ => throw new ConnectorException($"{describe()}: type {type} cannot be read from PostgreSQL; use json or string."),
    };

    private static PostgresColumnReader CreateList(ColumnVector vector, ColumnType element, NpgsqlDbType wire, Func<string> describe) => element.Kind switch
    {
        ColumnKind.Boolean => new ListReader<bool?>(vector, wire, v => v),
        ColumnKind.Int16 => new ListReader<short?>(vector, wire, v => v),
        ColumnKind.Int32 => new ListReader<int?>(vector, wire, v => v),
        ColumnKind.Int64 => new ListReader<long?>(vector, wire, v => v),
        ColumnKind.Float32 => new ListReader<float?>(vector, wire, v => v),
        ColumnKind.Float64 => new ListReader<double?>(vector, wire, v => v),
        ColumnKind.Decimal => new ListReader<decimal?>(vector, wire, v => v),
        ColumnKind.String or ColumnKind.Json => new ListReader<string?>(vector, wire, v => v),
        ColumnKind.Bytes => new ListReader<byte[]?>(vector, wire, v => v),
        ColumnKind.Date => new ListReader<DateOnly?>(vector, wire, v => v),
        ColumnKind.Time => new ListReader<TimeOnly?>(vector, wire, v => v),
        ColumnKind.Timestamp => new ListReader<DateTime?>(vector, wire, v => v),
        ColumnKind.TimestampTz => new ListReader<DateTimeOffset?>(vector, wire, v => v),
        ColumnKind.Interval => new ListReader<NpgsqlInterval?>(vector, wire, v => v is { } i ? new Interval(i.Months, i.Days, i.Time) : null),
        ColumnKind.Uuid => new ListReader<Guid?>(vector, wire, v => v),
        _ => throw new ConnectorException($"{describe()}: list<{element}> cannot be read from PostgreSQL; use json or list<string>."),
    };

    private sealed class ValueReader<T>(ColumnVector vector, NpgsqlDbType wire) : PostgresColumnReader
        where T : struct
    {
        private readonly T[] _values = ((ColumnVector<T>)vector).Values;
        private readonly bool[] _nulls = vector.Nulls;

        public override async ValueTask ReadAsync(NpgsqlBinaryExporter exporter, int row, CancellationToken cancellationToken)
        {
            var value = await exporter.ReadAsync<T?>(wire, cancellationToken).ConfigureAwait(false);
            if (value.HasValue)
            {
                _values[row] = value.GetValueOrDefault();
                _nulls[row] = false;
            }
            else
            {
                _values[row] = default;
                _nulls[row] = true;
            }
        }
    }

    private sealed class ReferenceReader<T>(ColumnVector vector, NpgsqlDbType wire) : PostgresColumnReader
        where T : class
    {
        private readonly T?[] _values = ((ColumnVector<T?>)vector).Values;
        private readonly bool[] _nulls = vector.Nulls;

        public override async ValueTask ReadAsync(NpgsqlBinaryExporter exporter, int row, CancellationToken cancellationToken)
        {
            if (exporter.IsNull)
            {
                await exporter.SkipAsync(cancellationToken).ConfigureAwait(false);
                _values[row] = null;
                _nulls[row] = true;
            }
            else
            {
                _values[row] = await exporter.ReadAsync<T>(wire, cancellationToken).ConfigureAwait(false);
                _nulls[row] = false;
            }
        }
    }

    private sealed class NarrowingReader<TWire, T>(ColumnVector vector, NpgsqlDbType wire, Func<TWire, T> convert, Func<string> describe) : PostgresColumnReader
        where TWire : struct
    {
        private readonly T[] _values = ((ColumnVector<T>)vector).Values;
        private readonly bool[] _nulls = vector.Nulls;

        public override async ValueTask ReadAsync(NpgsqlBinaryExporter exporter, int row, CancellationToken cancellationToken)
        {
            var value = await exporter.ReadAsync<TWire?>(wire, cancellationToken).ConfigureAwait(false);
            if (value.HasValue)
            {
                try
                {
                    _values[row] = convert(value.GetValueOrDefault());
                }
                catch (OverflowException e)
                {
                    throw new ConnectorException($"{describe()}: the value {value.GetValueOrDefault()} does not fit {typeof(T).Name}.", e)
                    {
                        Hint = "Override the column's type to a wider one (for example int64 or string).",
                    };
                }

                _nulls[row] = false;
            }
            else
            {
                _values[row] = default!;
                _nulls[row] = true;
            }
        }
    }

    /// <summary>Reads numeric, checking that each value fits the column's canonical precision and scale.</summary>
    private sealed class DecimalReader(ColumnVector vector, ColumnType type, NpgsqlDbType wire, Func<string> describe) : PostgresColumnReader
    {
        private readonly decimal[] _values = ((ColumnVector<decimal>)vector).Values;
        private readonly bool[] _nulls = vector.Nulls;
        private readonly decimal _limit = Limit(type);

        public override async ValueTask ReadAsync(NpgsqlBinaryExporter exporter, int row, CancellationToken cancellationToken)
        {
            decimal? value;
            try
            {
                value = await exporter.ReadAsync<decimal?>(wire, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidCastException or OverflowException or ArgumentException)
            {
                throw Unfit("a value outside the range of decimal(38) (or NaN/Infinity)", e);
            }

            if (value is not { } v)
            {
                _values[row] = 0m;
                _nulls[row] = true;
                return;
            }

            if (v.Scale > type.Scale && decimal.Round(v, type.Scale) != v)
            {
                throw Unfit($"the value {v} has more than {type.Scale} digits after the point", null);
            }

            if (Math.Abs(v) >= _limit)
            {
                throw Unfit($"the value {v} has more than {type.Precision - type.Scale} digits before the point", null);
            }

            _values[row] = v;
            _nulls[row] = false;
        }

        private static decimal Limit(ColumnType type)
        {
            var integerDigits = type.Precision - type.Scale;
            return integerDigits >= 28 ? decimal.MaxValue : (decimal)Math.Pow(10, integerDigits);
        }

        private ConnectorException Unfit(string what, Exception? inner) =>
            new($"{describe()}: {what}, which does not fit {type}.", inner!)
            {
                Hint = "Override the column's type to string (or a wider decimal) in the sync's column mapping, e.g. columns: { \"table.column\": { type: string } }.",
            };
    }

    private sealed class ListReader<TElement>(ColumnVector vector, NpgsqlDbType wire, Func<TElement, object?> box) : PostgresColumnReader
    {
        private readonly object?[]?[] _values = ((ColumnVector<object?[]?>)vector).Values;
        private readonly bool[] _nulls = vector.Nulls;

        public override async ValueTask ReadAsync(NpgsqlBinaryExporter exporter, int row, CancellationToken cancellationToken)
        {
            if (exporter.IsNull)
            {
                await exporter.SkipAsync(cancellationToken).ConfigureAwait(false);
                _values[row] = null;
                _nulls[row] = true;
                return;
            }

            var elements = await exporter.ReadAsync<TElement[]>(wire, cancellationToken).ConfigureAwait(false);
            var boxed = new object?[elements.Length];
            for (var i = 0; i < elements.Length; i++)
            {
                boxed[i] = box(elements[i]);
            }

            _values[row] = boxed;
            _nulls[row] = false;
        }
    }
}
