using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Appending;

/// <summary>
/// Writes one vector of a data chunk: a column, the elements of a LIST/ARRAY column, or a field of a STRUCT.
/// Values are converted from .NET types to the vector's DuckDB type in bulk (<see cref="Write{T}"/>) with no
/// per-value boxing; <see cref="GetData{T}"/> exposes the raw vector memory for fixed-width types.
/// </summary>
/// <remarks>
/// Supported .NET types: <see cref="bool"/>; all integers including <see cref="Int128"/>/<see cref="UInt128"/>
/// (into any integer, FLOAT, DOUBLE or DECIMAL column, range-checked); <see cref="float"/>/<see cref="double"/>
/// (FLOAT, DOUBLE, DECIMAL); <see cref="decimal"/> (DECIMAL of any width, rounded half away from zero; FLOAT, DOUBLE);
/// <see cref="string"/> (VARCHAR, ENUM); <see cref="T:byte[]"/> (BLOB); <see cref="DateOnly"/> (DATE, TIMESTAMP*);
/// <see cref="DateTime"/> (DATE, TIMESTAMP*; into TIMESTAMPTZ local times are converted to UTC and unspecified ones
/// are taken as UTC); <see cref="DateTimeOffset"/> (TIMESTAMPTZ and TIMESTAMP*, as the UTC instant);
/// <see cref="TimeOnly"/> (TIME, TIME_NS); <see cref="TimeSpan"/> (INTERVAL, TIME); <see cref="Guid"/> (UUID).
/// A null string or byte array writes NULL.
/// </remarks>
public sealed unsafe class DuckDbVectorWriter
{
    private readonly DuckDbChunkWriter _chunk;
    private readonly string _location;
    private readonly DuckDbType _storage;
    private readonly DuckDbVectorWriter? _elements;
    private readonly DuckDbVectorWriter[] _fields;
    private IntPtr _vector;
    private byte* _data;
    private ulong* _validity;
    private int _capacity;
    private int _listSize;
    private int _elementCapacity;
    private Dictionary<string, uint>? _enumIndex;

    internal DuckDbVectorWriter(DuckDbChunkWriter chunk, DuckDbColumnType type, string location)
    {
        _chunk = chunk;
        _location = location;
        Type = type;
        _storage = type.StorageType;
        if (type.ElementType is not null)
        {
            _elements = new DuckDbVectorWriter(chunk, type.ElementType, location + " element");
        }
        else if (type.Type == DuckDbType.Map)
        {
            var entry = DuckDbColumnType.Struct(new("key", type.KeyType!), new("value", type.ValueType!));
            _elements = new DuckDbVectorWriter(chunk, entry, location + " entry");
        }

        _fields = type.Type == DuckDbType.Struct
            ? type.Fields.Select(f => new DuckDbVectorWriter(chunk, f.Value, $"{location} field \"{f.Key}\"")).ToArray()
            : [];
    }

    /// <summary>The DuckDB type of this vector.</summary>
    public DuckDbColumnType Type { get; }

    /// <summary>How many rows this vector holds at the moment (the chunk capacity for columns).</summary>
    public int Capacity => _capacity;

    /// <summary>
    /// The element vector of a LIST, MAP (a STRUCT of key and value) or ARRAY column. For LIST and MAP,
    /// reserve rows with <see cref="AppendListEntry"/> first and write at the offset it returns.
    /// </summary>
    public DuckDbVectorWriter Elements => _elements ?? throw Mismatch("element access");

    /// <summary>The vector of field <paramref name="index"/> of a STRUCT column.</summary>
    public DuckDbVectorWriter Field(int index)
    {
        if (_fields.Length == 0)
        {
            throw Mismatch("field access");
        }

        return _fields[index];
    }

    /// <summary>
    /// The raw vector memory of a fixed-width type, <see cref="Capacity"/> elements long. <typeparamref name="T"/>
    /// must be the storage type: <see cref="long"/> for BIGINT/TIMESTAMP*/TIME (microseconds since the epoch or
    /// midnight), <see cref="int"/> for INTEGER/DATE (days since 1970-01-01), <see cref="double"/> for DOUBLE, the
    /// unscaled integer for DECIMAL, <see cref="bool"/> or <see cref="byte"/> for BOOLEAN, <see cref="DuckDbInterval"/> for INTERVAL, and so on. Writing through
    /// the span does not touch validity: rows written this way are valid unless set to NULL.
    /// </summary>
    public Span<T> GetData<T>()
        where T : unmanaged
    {
        if (!IsRawStorage(typeof(T), _storage))
        {
            throw Mismatch(typeof(T).Name + " storage");
        }

        return new Span<T>(_data, _capacity);
    }

    /// <summary>
    /// Writes <paramref name="values"/> into rows <paramref name="startRow"/>… converting each to this vector's type.
    /// </summary>
    /// <exception cref="DuckDbException">The .NET type does not fit the column type, or a value is out of range.</exception>
    public void Write<T>(ReadOnlySpan<T> values, int startRow = 0)
    {
        CheckRows(startRow, values.Length);
        if (values.IsEmpty)
        {
            return;
        }

        MarkValid(startRow, values.Length);
        if (typeof(T) == typeof(long)) { WriteIntegers(Reinterpret<T, long>(values), startRow); }
        else if (typeof(T) == typeof(int)) { WriteIntegers(Reinterpret<T, int>(values), startRow); }
        else if (typeof(T) == typeof(double)) { WriteFloats(Reinterpret<T, double>(values), startRow); }
        else if (typeof(T) == typeof(string)) { WriteStrings(Reinterpret<T, string?>(values), startRow); }
        else if (typeof(T) == typeof(bool)) { WriteBooleans(Reinterpret<T, bool>(values), startRow); }
        else if (typeof(T) == typeof(decimal)) { WriteDecimals(Reinterpret<T, decimal>(values), startRow); }
        else if (typeof(T) == typeof(DuckDbDecimal)) { WriteDuckDbDecimals(Reinterpret<T, DuckDbDecimal>(values), startRow); }
        else if (typeof(T) == typeof(DateTime)) { WriteDateTimes(Reinterpret<T, DateTime>(values), startRow); }
        else if (typeof(T) == typeof(DateOnly)) { WriteDates(Reinterpret<T, DateOnly>(values), startRow); }
        else if (typeof(T) == typeof(DateTimeOffset)) { WriteDateTimeOffsets(Reinterpret<T, DateTimeOffset>(values), startRow); }
        else if (typeof(T) == typeof(Guid)) { WriteGuids(Reinterpret<T, Guid>(values), startRow); }
        else if (typeof(T) == typeof(byte[])) { WriteBlobs(Reinterpret<T, byte[]?>(values), startRow); }
        else if (typeof(T) == typeof(short)) { WriteIntegers(Reinterpret<T, short>(values), startRow); }
        else if (typeof(T) == typeof(sbyte)) { WriteIntegers(Reinterpret<T, sbyte>(values), startRow); }
        else if (typeof(T) == typeof(byte)) { WriteIntegers(Reinterpret<T, byte>(values), startRow); }
        else if (typeof(T) == typeof(ushort)) { WriteIntegers(Reinterpret<T, ushort>(values), startRow); }
        else if (typeof(T) == typeof(uint)) { WriteIntegers(Reinterpret<T, uint>(values), startRow); }
        else if (typeof(T) == typeof(ulong)) { WriteIntegers(Reinterpret<T, ulong>(values), startRow); }
        else if (typeof(T) == typeof(Int128)) { WriteIntegers(Reinterpret<T, Int128>(values), startRow); }
        else if (typeof(T) == typeof(UInt128)) { WriteIntegers(Reinterpret<T, UInt128>(values), startRow); }
        else if (typeof(T) == typeof(float)) { WriteFloats(Reinterpret<T, float>(values), startRow); }
        else if (typeof(T) == typeof(TimeOnly)) { WriteTimes(Reinterpret<T, TimeOnly>(values), startRow); }
        else if (typeof(T) == typeof(TimeSpan)) { WriteTimeSpans(Reinterpret<T, TimeSpan>(values), startRow); }
        else { throw Mismatch(typeof(T).Name); }
    }

    /// <summary>Writes nullable values: null entries become NULL.</summary>
    public void WriteNullable<T>(ReadOnlySpan<T?> values, int startRow = 0)
        where T : struct
    {
        CheckRows(startRow, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } value)
            {
                Write(new ReadOnlySpan<T>(in value), startRow + i);
            }
            else
            {
                SetNull(startRow + i);
            }
        }
    }

    /// <summary>Writes one value into <paramref name="row"/>.</summary>
    public void Set<T>(int row, T value) => Write(new ReadOnlySpan<T>(in value), row);

    /// <summary>Marks <paramref name="row"/> NULL.</summary>
    public void SetNull(int row)
    {
        CheckRows(row, 1);
        if (_validity == null)
        {
            NativeMethods.duckdb_vector_ensure_validity_writable(_vector);
            _validity = NativeMethods.duckdb_vector_get_validity(_vector);
        }

        _validity[row >> 6] &= ~(1UL << (row & 63));
        switch (_storage)
        {
            case DuckDbType.Varchar or DuckDbType.Blob or DuckDbType.Bit:
                // Nothing reads an invalid row's string, but an empty inline string is harmless if something does.
                ((DuckDbStringT*)_data)[row] = default;
                break;
            case DuckDbType.List or DuckDbType.Map:
                ((DuckDbListEntry*)_data)[row] = default;
                break;
            case DuckDbType.Struct:
                foreach (var field in _fields)
                {
                    field.SetNull(row);
                }

                break;
        }
    }

    /// <summary>Writes UTF-8 text into a VARCHAR row; the bytes are validated.</summary>
    public void SetUtf8(int row, ReadOnlySpan<byte> utf8)
    {
        CheckRows(row, 1);
        if (_storage != DuckDbType.Varchar)
        {
            throw Mismatch("UTF-8 text");
        }

        if (!Utf8.IsValid(utf8))
        {
            throw new DuckDbException($"Invalid UTF-8 for row {row} of {Describe()}.");
        }

        MarkValid(row, 1);
        AssignBytes(row, utf8);
    }

    /// <summary>
    /// Writes text already encoded as UTF-8 into rows <paramref name="startRow"/>…: row <c>i</c> is
    /// <c>bytes[starts[i] .. starts[i] + lengths[i]]</c>, or NULL where <paramref name="nulls"/> says so. The caller
    /// guarantees valid UTF-8 (it is copied as it is, DuckDB does not check it); this skips the UTF-16 round trip of
    /// <see cref="Write{T}"/> with strings.
    /// </summary>
    public void WriteUtf8(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths, ReadOnlySpan<bool> nulls, int startRow = 0)
    {
        CheckRows(startRow, starts.Length);
        if (_storage != DuckDbType.Varchar || Type.Type == DuckDbType.Enum)
        {
            throw Mismatch("UTF-8 text");
        }

        if (lengths.Length != starts.Length || nulls.Length < starts.Length)
        {
            throw new ArgumentException("starts, lengths and nulls must describe the same rows.", nameof(lengths));
        }

        MarkValid(startRow, starts.Length);
        for (var i = 0; i < starts.Length; i++)
        {
            if (nulls[i])
            {
                SetNull(startRow + i);
            }
            else
            {
                AssignBytes(startRow + i, bytes.Slice(starts[i], lengths[i]));
            }
        }
    }

    /// <summary>Writes bytes into a BLOB row.</summary>
    public void SetBlob(int row, ReadOnlySpan<byte> bytes)
    {
        CheckRows(row, 1);
        if (_storage != DuckDbType.Blob)
        {
            throw Mismatch("bytes");
        }

        MarkValid(row, 1);
        AssignBytes(row, bytes);
    }

    /// <summary>Writes a LIST row holding <paramref name="items"/> (null strings/arrays become NULL elements).</summary>
    public void SetList<T>(int row, ReadOnlySpan<T> items)
    {
        var offset = AppendListEntry(row, items.Length);
        _elements!.Write(items, offset);
    }

    /// <summary>Writes an ARRAY row; <paramref name="items"/> must have exactly the array's length.</summary>
    public void SetArray<T>(int row, ReadOnlySpan<T> items)
    {
        CheckRows(row, 1);
        if (Type.Type != DuckDbType.Array)
        {
            throw Mismatch("array");
        }

        if (items.Length != Type.ArraySize)
        {
            throw new DuckDbException($"{Type} {Describe()} needs {Type.ArraySize} elements per row, got {items.Length}.");
        }

        MarkValid(row, 1);
        _elements!.Write(items, row * Type.ArraySize);
    }

    /// <summary>
    /// Starts LIST (or MAP) row <paramref name="row"/> with <paramref name="length"/> elements, reserving room in
    /// <see cref="Elements"/>, and returns the element offset where the caller writes them.
    /// </summary>
    public int AppendListEntry(int row, int length)
    {
        CheckRows(row, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_storage is not (DuckDbType.List or DuckDbType.Map))
        {
            throw Mismatch("list");
        }

        var offset = _listSize;
        var needed = offset + length;
        if (needed > _elementCapacity || _elements!._vector == IntPtr.Zero)
        {
            var capacity = Math.Max(needed, Math.Max(_elementCapacity * 2, _chunk.Capacity));
            if (NativeMethods.duckdb_list_vector_reserve(_vector, (ulong)capacity) != DuckDbState.Success)
            {
                throw new DuckDbException($"Could not reserve {capacity} list elements for {Describe()}.");
            }

            _elementCapacity = capacity;
            _elements!.Attach(NativeMethods.duckdb_list_vector_get_child(_vector), capacity);
        }

        NativeMethods.duckdb_list_vector_set_size(_vector, (ulong)needed);
        _listSize = needed;
        ((DuckDbListEntry*)_data)[row] = new DuckDbListEntry { Offset = (ulong)offset, Length = (ulong)length };
        MarkValid(row, 1);
        return offset;
    }

    /// <summary>
    /// Writes a boxed value (null, any supported scalar, or a list/array of them for LIST columns).
    /// Convenient for low-volume callers; bulk loads use <see cref="Write{T}"/>.
    /// </summary>
    public void SetValue(int row, object? value)
    {
        switch (value)
        {
            case null or DBNull: SetNull(row); break;
            case bool v: Set(row, v); break;
            case sbyte v: Set(row, v); break;
            case byte v: Set(row, v); break;
            case short v: Set(row, v); break;
            case ushort v: Set(row, v); break;
            case int v: Set(row, v); break;
            case uint v: Set(row, v); break;
            case long v: Set(row, v); break;
            case ulong v: Set(row, v); break;
            case Int128 v: Set(row, v); break;
            case UInt128 v: Set(row, v); break;
            case float v: Set(row, v); break;
            case double v: Set(row, v); break;
            case decimal v: Set(row, v); break;
            case DuckDbDecimal v: Set(row, v); break;
            case string v: Set(row, v); break;
            case DateTime v: Set(row, v); break;
            case DateOnly v: Set(row, v); break;
            case DateTimeOffset v: Set(row, v); break;
            case TimeOnly v: Set(row, v); break;
            case TimeSpan v: Set(row, v); break;
            case Guid v: Set(row, v); break;
            case byte[] v: Set(row, v); break;
            case IList list when _storage is DuckDbType.List:
            {
                var offset = AppendListEntry(row, list.Count);
                for (var i = 0; i < list.Count; i++)
                {
                    _elements!.SetValue(offset + i, list[i]);
                }

                break;
            }

            default:
                throw Mismatch(value.GetType().Name);
        }
    }

    /// <summary>Points the writer at a (new or reset) native vector of <paramref name="capacity"/> rows.</summary>
    internal void Attach(IntPtr vector, int capacity)
    {
        _vector = vector;
        _capacity = capacity;
        _data = (byte*)NativeMethods.duckdb_vector_get_data(vector);
        _validity = NativeMethods.duckdb_vector_get_validity(vector);
        switch (Type.Type)
        {
            case DuckDbType.List or DuckDbType.Map:
                // The element vector is attached on the first reservation: its capacity is unknown until then.
                _listSize = (int)NativeMethods.duckdb_list_vector_get_size(vector);
                _elementCapacity = 0;
                _elements!.Detach();
                break;
            case DuckDbType.Array:
                _elements!.Attach(NativeMethods.duckdb_array_vector_get_child(vector), capacity * Type.ArraySize);
                break;
            case DuckDbType.Struct:
                for (var i = 0; i < _fields.Length; i++)
                {
                    _fields[i].Attach(NativeMethods.duckdb_struct_vector_get_child(vector, (ulong)i), capacity);
                }

                break;
        }
    }

    internal void Detach()
    {
        _vector = IntPtr.Zero;
        _data = null;
        _validity = null;
        _capacity = 0;
        _elements?.Detach();
        foreach (var field in _fields)
        {
            field.Detach();
        }
    }

    private static ReadOnlySpan<TTo> Reinterpret<TFrom, TTo>(ReadOnlySpan<TFrom> values) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TFrom, TTo>(ref MemoryMarshal.GetReference(values)), values.Length);

    private static bool IsRawStorage(Type clr, DuckDbType storage) => storage switch
    {
        DuckDbType.Boolean => clr == typeof(bool) || clr == typeof(byte),
        DuckDbType.TinyInt => clr == typeof(sbyte),
        DuckDbType.UTinyInt => clr == typeof(byte),
        DuckDbType.SmallInt => clr == typeof(short),
        DuckDbType.USmallInt => clr == typeof(ushort),
        DuckDbType.Integer or DuckDbType.Date => clr == typeof(int),
        DuckDbType.UInteger => clr == typeof(uint),
        DuckDbType.BigInt or DuckDbType.Timestamp or DuckDbType.TimestampS or DuckDbType.TimestampMs
            or DuckDbType.TimestampNs or DuckDbType.TimestampTz or DuckDbType.Time or DuckDbType.TimeNs => clr == typeof(long),
        DuckDbType.UBigInt or DuckDbType.TimeTz => clr == typeof(ulong),
        DuckDbType.HugeInt or DuckDbType.Uuid => clr == typeof(Int128),
        DuckDbType.UHugeInt => clr == typeof(UInt128),
        DuckDbType.Float => clr == typeof(float),
        DuckDbType.Double => clr == typeof(double),
        DuckDbType.Interval => clr == typeof(DuckDbInterval),
        _ => false,
    };

    private Span<TTo> Target<TTo>(int row, int count)
        where TTo : unmanaged => new((TTo*)_data + row, count);

    private void CheckRows(int startRow, int count)
    {
        if (_vector == IntPtr.Zero)
        {
            throw new InvalidOperationException($"{Describe()} is not ready for writing; for LIST elements call AppendListEntry first.");
        }

        if ((uint)startRow > (uint)_capacity || (uint)count > (uint)(_capacity - startRow))
        {
            throw new ArgumentOutOfRangeException(nameof(startRow), $"Rows {startRow}..{startRow + count - 1} are outside {Describe()}, which holds {_capacity} rows.");
        }
    }

    private void MarkValid(int startRow, int count)
    {
        if (_validity == null)
        {
            return;
        }

        for (var row = startRow; row < startRow + count; row++)
        {
            _validity[row >> 6] |= 1UL << (row & 63);
        }
    }

    private void WriteIntegers<TFrom>(ReadOnlySpan<TFrom> values, int row)
        where TFrom : unmanaged, IBinaryInteger<TFrom>
    {
        switch (_storage)
        {
            case DuckDbType.TinyInt when Type.Type != DuckDbType.Decimal: ConvertIntegers<TFrom, sbyte>(values, row); break;
            case DuckDbType.SmallInt when Type.Type != DuckDbType.Decimal: ConvertIntegers<TFrom, short>(values, row); break;
            case DuckDbType.Integer when Type.Type != DuckDbType.Decimal: ConvertIntegers<TFrom, int>(values, row); break;
            case DuckDbType.BigInt when Type.Type != DuckDbType.Decimal: ConvertIntegers<TFrom, long>(values, row); break;
            case DuckDbType.HugeInt when Type.Type != DuckDbType.Decimal: ConvertIntegers<TFrom, Int128>(values, row); break;
            case DuckDbType.UTinyInt when Type.Type != DuckDbType.Enum: ConvertIntegers<TFrom, byte>(values, row); break;
            case DuckDbType.USmallInt when Type.Type != DuckDbType.Enum: ConvertIntegers<TFrom, ushort>(values, row); break;
            case DuckDbType.UInteger when Type.Type != DuckDbType.Enum: ConvertIntegers<TFrom, uint>(values, row); break;
            case DuckDbType.UBigInt: ConvertIntegers<TFrom, ulong>(values, row); break;
            case DuckDbType.UHugeInt: ConvertIntegers<TFrom, UInt128>(values, row); break;
            case DuckDbType.Float: ConvertIntegers<TFrom, float>(values, row); break;
            case DuckDbType.Double: ConvertIntegers<TFrom, double>(values, row); break;
            default:
                if (Type.Type != DuckDbType.Decimal)
                {
                    throw Mismatch(typeof(TFrom).Name);
                }

                for (var i = 0; i < values.Length; i++)
                {
                    Int128 unscaled;
                    try
                    {
                        if (!NativeValueEncoding.TryScaleInteger(Int128.CreateChecked(values[i]), Type.DecimalWidth, Type.DecimalScale, out unscaled))
                        {
                            throw OutOfRange(row + i, values[i]);
                        }
                    }
                    catch (OverflowException)
                    {
                        throw OutOfRange(row + i, values[i]);
                    }

                    StoreUnscaled(row + i, unscaled);
                }

                break;
        }
    }

    private void ConvertIntegers<TFrom, TTo>(ReadOnlySpan<TFrom> values, int row)
        where TFrom : unmanaged, IBinaryInteger<TFrom>
        where TTo : unmanaged, INumberBase<TTo>
    {
        var target = Target<TTo>(row, values.Length);
        if (typeof(TFrom) == typeof(TTo))
        {
            MemoryMarshal.Cast<TFrom, TTo>(values).CopyTo(target);
            return;
        }

        var i = 0;
        try
        {
            for (; i < values.Length; i++)
            {
                target[i] = TTo.CreateChecked(values[i]);
            }
        }
        catch (OverflowException)
        {
            throw OutOfRange(row + i, values[i]);
        }
    }

    private void WriteFloats<TFrom>(ReadOnlySpan<TFrom> values, int row)
        where TFrom : unmanaged, IFloatingPointIeee754<TFrom>
    {
        switch (_storage)
        {
            case DuckDbType.Float:
                ConvertFloats<TFrom, float>(values, row);
                break;
            case DuckDbType.Double:
                ConvertFloats<TFrom, double>(values, row);
                break;
            default:
                if (Type.Type != DuckDbType.Decimal)
                {
                    throw Mismatch(typeof(TFrom).Name);
                }

                for (var i = 0; i < values.Length; i++)
                {
                    decimal value;
                    try
                    {
                        value = decimal.CreateChecked(values[i]);
                    }
                    catch (OverflowException)
                    {
                        throw OutOfRange(row + i, values[i]);
                    }

                    StoreDecimal(row + i, value);
                }

                break;
        }
    }

    private void ConvertFloats<TFrom, TTo>(ReadOnlySpan<TFrom> values, int row)
        where TFrom : unmanaged, IFloatingPointIeee754<TFrom>
        where TTo : unmanaged, IFloatingPointIeee754<TTo>
    {
        var target = Target<TTo>(row, values.Length);
        if (typeof(TFrom) == typeof(TTo))
        {
            MemoryMarshal.Cast<TFrom, TTo>(values).CopyTo(target);
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            target[i] = TTo.CreateSaturating(values[i]);
        }
    }

    private void WriteDecimals(ReadOnlySpan<decimal> values, int row)
    {
        switch (_storage)
        {
            case DuckDbType.Double:
                for (var i = 0; i < values.Length; i++)
                {
                    ((double*)_data)[row + i] = (double)values[i];
                }

                break;
            case DuckDbType.Float:
                for (var i = 0; i < values.Length; i++)
                {
                    ((float*)_data)[row + i] = (float)values[i];
                }

                break;
            default:
                if (Type.Type != DuckDbType.Decimal)
                {
                    throw Mismatch(nameof(Decimal));
                }

                for (var i = 0; i < values.Length; i++)
                {
                    StoreDecimal(row + i, values[i]);
                }

                break;
        }
    }

    /// <summary>
    /// Writes decimals given as unscaled integers at <paramref name="scale"/> into rows <paramref name="startRow"/>…:
    /// exact for every DECIMAL up to 38 digits. Into a DECIMAL column of the same scale the integers are stored as they
    /// are (narrowed to DuckDB's SMALLINT/INTEGER/BIGINT storage for widths up to 18); another scale is converted
    /// exactly or fails; a DOUBLE or FLOAT column gets the nearest value and a VARCHAR column the exact text.
    /// </summary>
    /// <exception cref="DuckDbException">A value has more digits than the column holds, or the column takes no numbers.</exception>
    public void WriteUnscaledDecimals(ReadOnlySpan<Int128> unscaled, int scale, int startRow = 0)
    {
        CheckRows(startRow, unscaled.Length);
        if (unscaled.IsEmpty)
        {
            return;
        }

        MarkValid(startRow, unscaled.Length);
        if (Type.Type == DuckDbType.Decimal && Type.DecimalScale == scale)
        {
            var limit = NativeValueEncoding.PowerOfTen(Type.DecimalWidth);
            for (var i = 0; i < unscaled.Length; i++)
            {
                var value = unscaled[i];
                if (value >= limit || value <= -limit)
                {
                    throw OutOfRange(startRow + i, new DuckDbDecimal(value, (byte)scale));
                }

                StoreUnscaled(startRow + i, value);
            }

            return;
        }

        for (var i = 0; i < unscaled.Length; i++)
        {
            var value = new DuckDbDecimal(unscaled[i], (byte)scale);
            WriteDuckDbDecimals(new ReadOnlySpan<DuckDbDecimal>(in value), startRow + i);
        }
    }

    private void WriteDuckDbDecimals(ReadOnlySpan<DuckDbDecimal> values, int row)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            switch (_storage)
            {
                case DuckDbType.Double:
                    ((double*)_data)[row + i] = double.Parse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case DuckDbType.Float:
                    ((float*)_data)[row + i] = float.Parse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case DuckDbType.Varchar:
                    string? text = value.ToString();
                    WriteStrings(new ReadOnlySpan<string?>(in text), row + i);
                    break;
                default:
                    if (Type.Type != DuckDbType.Decimal)
                    {
                        throw Mismatch(nameof(DuckDbDecimal));
                    }

                    if (!NativeValueEncoding.TryRescaleDecimal(value.Unscaled, value.Scale, Type.DecimalWidth, Type.DecimalScale, out var unscaled))
                    {
                        throw OutOfRange(row + i, value);
                    }

                    StoreUnscaled(row + i, unscaled);
                    break;
            }
        }
    }

    private void StoreDecimal(int row, decimal value)
    {
        if (!NativeValueEncoding.TryScaleDecimal(value, Type.DecimalWidth, Type.DecimalScale, out var unscaled))
        {
            throw OutOfRange(row, value);
        }

        StoreUnscaled(row, unscaled);
    }

    private void StoreUnscaled(int row, Int128 unscaled)
    {
        switch (_storage)
        {
            case DuckDbType.SmallInt: ((short*)_data)[row] = (short)unscaled; break;
            case DuckDbType.Integer: ((int*)_data)[row] = (int)unscaled; break;
            case DuckDbType.BigInt: ((long*)_data)[row] = (long)unscaled; break;
            default: ((Int128*)_data)[row] = unscaled; break;
        }
    }

    private void WriteBooleans(ReadOnlySpan<bool> values, int row)
    {
        if (_storage != DuckDbType.Boolean)
        {
            throw Mismatch(nameof(Boolean));
        }

        values.CopyTo(Target<bool>(row, values.Length));
    }

    private void WriteDates(ReadOnlySpan<DateOnly> values, int row)
    {
        if (_storage == DuckDbType.Date)
        {
            var target = Target<int>(row, values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                target[i] = NativeValueEncoding.ToDays(values[i]);
            }

            return;
        }

        CheckTimestamp(nameof(DateOnly));
        var unit = TimestampUnit();
        var stamps = Target<long>(row, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            stamps[i] = ConvertTicks(row + i, NativeValueEncoding.ToUnixTicks(values[i]), unit, values[i]);
        }
    }

    private void WriteDateTimes(ReadOnlySpan<DateTime> values, int row)
    {
        if (_storage == DuckDbType.Date)
        {
            var target = Target<int>(row, values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                target[i] = NativeValueEncoding.ToDays(values[i]);
            }

            return;
        }

        CheckTimestamp(nameof(DateTime));
        var unit = TimestampUnit();
        var stamps = Target<long>(row, values.Length);
        if (_storage == DuckDbType.TimestampTz)
        {
            for (var i = 0; i < values.Length; i++)
            {
                stamps[i] = NativeValueEncoding.TicksToUnit(NativeValueEncoding.ToUnixTicksUtc(values[i]), unit);
            }

            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            stamps[i] = ConvertTicks(row + i, NativeValueEncoding.ToUnixTicks(values[i]), unit, values[i]);
        }
    }

    private void WriteDateTimeOffsets(ReadOnlySpan<DateTimeOffset> values, int row)
    {
        CheckTimestamp(nameof(DateTimeOffset));
        var unit = TimestampUnit();
        var stamps = Target<long>(row, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            stamps[i] = ConvertTicks(row + i, NativeValueEncoding.ToUnixTicks(values[i]), unit, values[i]);
        }
    }

    private void WriteTimes(ReadOnlySpan<TimeOnly> values, int row)
    {
        var target = _storage switch
        {
            DuckDbType.Time or DuckDbType.TimeNs => Target<long>(row, values.Length),
            _ => throw Mismatch(nameof(TimeOnly)),
        };
        var nanos = _storage == DuckDbType.TimeNs;
        for (var i = 0; i < values.Length; i++)
        {
            target[i] = nanos ? values[i].Ticks * 100 : values[i].Ticks / 10;
        }
    }

    private void WriteTimeSpans(ReadOnlySpan<TimeSpan> values, int row)
    {
        switch (_storage)
        {
            case DuckDbType.Interval:
            {
                var target = Target<DuckDbIntervalStruct>(row, values.Length);
                for (var i = 0; i < values.Length; i++)
                {
                    target[i] = NativeValueEncoding.ToInterval(values[i]);
                }

                break;
            }

            case DuckDbType.Time or DuckDbType.TimeNs:
            {
                var target = Target<long>(row, values.Length);
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i] < TimeSpan.Zero || values[i] > TimeSpan.FromDays(1))
                    {
                        throw OutOfRange(row + i, values[i]);
                    }

                    target[i] = _storage == DuckDbType.TimeNs ? values[i].Ticks * 100 : values[i].Ticks / 10;
                }

                break;
            }

            default:
                throw Mismatch(nameof(TimeSpan));
        }
    }

    private void WriteGuids(ReadOnlySpan<Guid> values, int row)
    {
        if (_storage != DuckDbType.Uuid)
        {
            throw Mismatch(nameof(Guid));
        }

        var target = Target<DuckDbHugeIntStruct>(row, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            target[i] = NativeValueEncoding.ToUuid(values[i]);
        }
    }

    private void WriteStrings(ReadOnlySpan<string?> values, int row)
    {
        if (Type.Type == DuckDbType.Enum)
        {
            WriteEnumMembers(values, row);
            return;
        }

        if (_storage != DuckDbType.Varchar)
        {
            throw Mismatch(nameof(String));
        }

        var slots = (DuckDbStringT*)_data;
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value is null)
            {
                SetNull(row + i);
                continue;
            }

            var slot = slots + row + i;
            if (value.Length <= DuckDbStringT.InlineLength)
            {
                // Short strings are encoded straight into the 16-byte slot, no native call: DuckDB's inline
                // representation is the length followed by up to 12 bytes, zero padded.
                *slot = default;
                var inline = new Span<byte>(slot->Inlined, DuckDbStringT.InlineLength);
                if (Utf8.FromUtf16(value, inline, out _, out var written) == OperationStatus.Done)
                {
                    slot->Length = (uint)written;
                    continue;
                }
            }

            var buffer = _chunk.RentScratch(Encoding.UTF8.GetMaxByteCount(value.Length));
            var length = Encoding.UTF8.GetBytes(value, buffer);
            fixed (byte* bytes = buffer)
            {
                NativeMethods.duckdb_unsafe_vector_assign_string_element_len(_vector, (ulong)(row + i), bytes, (ulong)length);
            }
        }
    }

    private void WriteEnumMembers(ReadOnlySpan<string?> values, int row)
    {
        if (Type.Type != DuckDbType.Enum)
        {
            throw Mismatch(nameof(String));
        }

        _enumIndex ??= Type.EnumMembers.Select((m, i) => (m, i)).ToDictionary(p => p.m, p => (uint)p.i, StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is not { } value)
            {
                SetNull(row + i);
                continue;
            }

            if (!_enumIndex.TryGetValue(value, out var index))
            {
                throw new DuckDbException($"'{value}' (row {row + i}) is not a member of {Type} {Describe()}.");
            }

            switch (_storage)
            {
                case DuckDbType.UTinyInt: _data[row + i] = (byte)index; break;
                case DuckDbType.USmallInt: ((ushort*)_data)[row + i] = (ushort)index; break;
                default: ((uint*)_data)[row + i] = index; break;
            }
        }
    }

    private void WriteBlobs(ReadOnlySpan<byte[]?> values, int row)
    {
        if (_storage != DuckDbType.Blob)
        {
            throw Mismatch("Byte[]");
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } bytes)
            {
                AssignBytes(row + i, bytes);
            }
            else
            {
                SetNull(row + i);
            }
        }
    }

    private void AssignBytes(int row, ReadOnlySpan<byte> bytes)
    {
        var slot = (DuckDbStringT*)_data + row;
        if (bytes.Length <= DuckDbStringT.InlineLength)
        {
            *slot = default;
            bytes.CopyTo(new Span<byte>(slot->Inlined, DuckDbStringT.InlineLength));
            slot->Length = (uint)bytes.Length;
            return;
        }

        fixed (byte* pointer = bytes)
        {
            NativeMethods.duckdb_unsafe_vector_assign_string_element_len(_vector, (ulong)row, pointer, (ulong)bytes.Length);
        }
    }

    private void CheckTimestamp(string clrType)
    {
        if (_storage is not (DuckDbType.Timestamp or DuckDbType.TimestampS or DuckDbType.TimestampMs
            or DuckDbType.TimestampNs or DuckDbType.TimestampTz))
        {
            throw Mismatch(clrType);
        }
    }

    private DuckDbType TimestampUnit() => _storage == DuckDbType.TimestampTz ? DuckDbType.Timestamp : _storage;

    private long ConvertTicks<TValue>(int row, long ticks, DuckDbType unit, TValue value)
    {
        try
        {
            return NativeValueEncoding.TicksToUnit(ticks, unit);
        }
        catch (OverflowException)
        {
            throw OutOfRange(row, value);
        }
    }

    private string Describe() => _location + " of " + _chunk.Target;

    private DuckDbException Mismatch(string what) =>
        new($"Cannot write {what} to {Describe()}, which is {Type}.") { ErrorType = 5 };

    private DuckDbException OutOfRange<TValue>(int row, TValue value) =>
        new($"Value {string.Format(CultureInfo.InvariantCulture, "{0}", value)} (row {row}) is out of range for {Type} {Describe()}.") { ErrorType = 1 };
}
