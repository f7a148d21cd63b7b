using System.Numerics;
using System.Runtime.CompilerServices;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// Reads one vector of a data chunk. A reader is built once per result column from its logical
/// type (<see cref="VectorReaderFactory"/>) and pointed at each new chunk's vector with
/// <see cref="SetVector"/>, which caches the data and validity pointers, so reading a value is
/// pointer arithmetic plus at most one virtual call. Row arguments are always valid rows
/// (callers test <see cref="IsValid"/> first).
/// </summary>
internal abstract unsafe class VectorReader
{
    /// <summary>Start of the vector's data; valid until the chunk is destroyed.</summary>
    public byte* Data;

    /// <summary>Validity bitmask, or null when every row is valid.</summary>
    public ulong* Validity;

    protected VectorReader(DuckDbType type, string typeName, Type clrType)
    {
        DuckType = type;
        TypeName = typeName;
        ClrType = clrType;
    }

    public DuckDbType DuckType { get; }

    /// <summary>SQL spelling of the type, e.g. <c>DECIMAL(18,6)</c> or <c>INTEGER[]</c>.</summary>
    public string TypeName { get; }

    /// <summary>The .NET type <see cref="GetValue"/> returns.</summary>
    public Type ClrType { get; }

    /// <summary>Column (or nested field) name used in error messages.</summary>
    public string Name { get; set; } = "";

    public virtual void SetVector(IntPtr vector)
    {
        Data = (byte*)NativeMethods.duckdb_vector_get_data(vector);
        Validity = NativeMethods.duckdb_vector_get_validity(vector);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsValid(ulong row) => Validity == null || (Validity[row >> 6] & (1UL << (int)(row & 63))) != 0;

    /// <summary>The value of a valid row, boxed as <see cref="ClrType"/>.</summary>
    public abstract object GetValue(ulong row);

    public virtual bool GetBoolean(ulong row) => throw CannotRead(typeof(bool));

    public virtual sbyte GetSByte(ulong row) => throw CannotRead(typeof(sbyte));

    public virtual byte GetByte(ulong row) => throw CannotRead(typeof(byte));

    public virtual short GetInt16(ulong row) => throw CannotRead(typeof(short));

    public virtual ushort GetUInt16(ulong row) => throw CannotRead(typeof(ushort));

    public virtual int GetInt32(ulong row) => throw CannotRead(typeof(int));

    public virtual uint GetUInt32(ulong row) => throw CannotRead(typeof(uint));

    public virtual long GetInt64(ulong row) => throw CannotRead(typeof(long));

    public virtual ulong GetUInt64(ulong row) => throw CannotRead(typeof(ulong));

    public virtual Int128 GetInt128(ulong row) => throw CannotRead(typeof(Int128));

    public virtual UInt128 GetUInt128(ulong row) => throw CannotRead(typeof(UInt128));

    public virtual BigInteger GetBigInteger(ulong row) => throw CannotRead(typeof(BigInteger));

    public virtual float GetFloat(ulong row) => throw CannotRead(typeof(float));

    public virtual double GetDouble(ulong row) => throw CannotRead(typeof(double));

    public virtual decimal GetDecimal(ulong row) => throw CannotRead(typeof(decimal));

    /// <summary>The exact stored value of a DECIMAL (integers as scale 0).</summary>
    public virtual DuckDbDecimal GetDuckDbDecimal(ulong row) => throw CannotRead(typeof(DuckDbDecimal));

    public virtual string GetString(ulong row) => throw CannotRead(typeof(string));

    public virtual byte[] GetBlob(ulong row) => throw CannotRead(typeof(byte[]));

    /// <summary>Raw bytes of a string or blob value, valid while the chunk lives.</summary>
    public virtual ReadOnlySpan<byte> GetRawBytes(ulong row) => throw CannotRead(typeof(byte[]));

    public virtual DateTime GetDateTime(ulong row) => throw CannotRead(typeof(DateTime));

    public virtual DateOnly GetDateOnly(ulong row) => throw CannotRead(typeof(DateOnly));

    public virtual TimeOnly GetTimeOnly(ulong row) => throw CannotRead(typeof(TimeOnly));

    public virtual DateTimeOffset GetDateTimeOffset(ulong row) => throw CannotRead(typeof(DateTimeOffset));

    public virtual TimeSpan GetTimeSpan(ulong row) => throw CannotRead(typeof(TimeSpan));

    public virtual Guid GetGuid(ulong row) => throw CannotRead(typeof(Guid));

    /// <summary>
    /// Typed read of a valid row. The common scalar types go through the non-boxing getters;
    /// nested readers override this to build typed collections.
    /// </summary>
    public virtual T GetFieldValue<T>(ulong row) => ValueReading.Read<T>(this, row);

    public InvalidCastException CannotRead(Type target) =>
        new($"Column '{Name}' has DuckDB type {TypeName} (read as {ClrType.Name}); it cannot be read as {target.Name}.");

    public OverflowException OutOfRange(string value, Type target) =>
        new($"Column '{Name}' ({TypeName}) holds {value}, which is outside the range of {target.Name}.");
}
