using System.Buffers;
using System.Collections;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Nagare.Core.Batches;
using Nagare.Core.Json;

namespace Nagare.Core.Text;

/// <summary>
/// The one text form and the one JSON form of canonical values, used wherever Nagare turns a value into text:
/// query output, CSV and JSON files, casts to text, masking and cursor state. The forms are listed in
/// docs/configuration.md ("Values as text"); in short:
/// <list type="bullet">
/// <item>numbers: invariant digits; floats as their shortest round-trip text (<c>0.1</c>, <c>1E+20</c>, <c>-0</c>),
/// <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> as PostgreSQL and DuckDB read them; decimals exact with their
/// scale (<c>1.50</c>).</item>
/// <item>dates <c>2024-01-02</c>; times <c>03:04:05.123456</c>; timestamps <c>2024-01-02T03:04:05.123456</c>;
/// timestamptz in UTC with <c>Z</c>: <c>2024-01-02T03:04:05.123456Z</c>. Fractions are microseconds with trailing
/// zeros dropped (none for whole seconds); a seventh digit is truncated, as the canonical types hold microseconds.</item>
/// <item>intervals as ISO 8601 durations (<c>P1M2DT3.000004S</c>, <c>PT0S</c>); uuids lower-case with hyphens.</item>
/// <item>bytes as <c>\x</c> and lower-case hex (<c>\x00ff</c>, PostgreSQL's bytea text); in JSON, base64.</item>
/// <item>text and JSON documents as they are; lists and structs as their JSON.</item>
/// </list>
/// In JSON, integers, finite floats and decimals are numbers written exactly as their text; NaN and infinities,
/// which JSON has no numbers for, are strings; everything else that is not a list or struct is a string of its text.
/// The UTF-16 and UTF-8 writers produce the same characters.
/// </summary>
public static partial class ValueFormat
{
    /// <summary>The most characters the text of a fixed-size value (anything but text, bytes, lists and structs) takes.</summary>
    public const int MaxScalarLength = 64;

    // Lists and structs are written through a JSON writer even as text; one per thread saves making one per value.
    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_jsonBuffer;

    /// <summary>
    /// The text of a boxed canonical value (as <see cref="ColumnVector.GetBoxed"/> gives it); null and
    /// <see cref="DBNull"/> give the empty string, so callers choose their own NULL text. A System.Decimal is
    /// written as the exact decimal it is; other lists (<see cref="IEnumerable"/>) and dictionaries as JSON.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="timeZone">Zone to show a timestamptz in (with its offset, <c>+09:00</c>); null or UTC writes UTC with <c>Z</c>.</param>
    public static string Format(object? value, TimeZoneInfo? timeZone = null)
    {
        switch (value)
        {
            case null or DBNull:
                return string.Empty;
            case string s:
                return s;
            case byte[] bytes:
                return string.Create(2 + (bytes.Length * 2), bytes, static (span, b) => WriteHex(b, span));
            case IDictionary or IEnumerable:
                return ToJson(value);
        }

        Span<char> text = stackalloc char[MaxScalarLength];
        return TryFormatScalar(value, text, out var written, timeZone) ? new string(text[..written]) : Fallback(value);
    }

    /// <summary>Appends the text of the non-NULL value at <paramref name="row"/> as UTF-16.</summary>
    /// <param name="vector">The column.</param>
    /// <param name="row">A row that is not NULL.</param>
    /// <param name="output">Where the characters go.</param>
    /// <param name="timeZone">Zone to show a timestamptz in; null or UTC writes UTC with <c>Z</c>.</param>
    public static void Write(ColumnVector vector, int row, IBufferWriter<char> output, TimeZoneInfo? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(output);
        switch (vector)
        {
            case ColumnVector<string?> v when v.Utf8 is { } utf8:
                Encoding.UTF8.GetChars(utf8[row], output);
                return;
            case ColumnVector<string?> v:
                output.Write(v.Values[row].AsSpan());
                return;
            case ColumnVector<byte[]?> v:
                var bytes = v.Values[row]!;
                var length = 2 + (bytes.Length * 2);
                WriteHex(bytes, output.GetSpan(length));
                output.Advance(length);
                return;
            case ColumnVector<object?[]?> or ColumnVector<IReadOnlyDictionary<string, object?>?>:
                var json = JsonBuffer(out var buffer);
                WriteJson(json, vector.GetBoxed(row), vector.Type);
                json.Flush();
                Encoding.UTF8.GetChars(buffer.WrittenSpan, output);
                json.Reset(Stream.Null);
                return;
        }

        var span = output.GetSpan(MaxScalarLength);
        if (!TryFormatScalar(vector, row, span, out var written, timeZone))
        {
            throw new InvalidOperationException($"A {vector.Type} value has no text form.");
        }

        output.Advance(written);
    }

    /// <summary>
    /// Appends the text of the non-NULL value at <paramref name="row"/> as UTF-8, the same characters
    /// <see cref="Write(ColumnVector, int, IBufferWriter{char}, TimeZoneInfo?)"/> writes. Allocates nothing for
    /// values other than lists and structs.
    /// </summary>
    /// <param name="vector">The column.</param>
    /// <param name="row">A row that is not NULL.</param>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="timeZone">Zone to show a timestamptz in; null or UTC writes UTC with <c>Z</c>.</param>
    public static void Write(ColumnVector vector, int row, IBufferWriter<byte> output, TimeZoneInfo? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(output);
        switch (vector)
        {
            case ColumnVector<string?> v when v.Utf8 is { } utf8:
                output.Write(utf8[row]);
                return;
            case ColumnVector<string?> v:
                Encoding.UTF8.GetBytes(v.Values[row].AsSpan(), output);
                return;
            case ColumnVector<byte[]?> v:
                var bytes = v.Values[row]!;
                var length = 2 + (bytes.Length * 2);
                WriteHex(bytes, output.GetSpan(length));
                output.Advance(length);
                return;
            case ColumnVector<object?[]?> or ColumnVector<IReadOnlyDictionary<string, object?>?>:
                var json = t_json ??= new Utf8JsonWriter(output, JsonFormat.Writer);
                json.Reset(output);
                WriteJson(json, vector.GetBoxed(row), vector.Type);
                json.Flush();
                json.Reset(Stream.Null);
                return;
        }

        Span<char> text = stackalloc char[MaxScalarLength];
        if (!TryFormatScalar(vector, row, text, out var written, timeZone))
        {
            throw new InvalidOperationException($"A {vector.Type} value has no text form.");
        }

        // Every scalar's text is ASCII, so each character is one byte.
        var span = output.GetSpan(written);
        for (var i = 0; i < written; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(written);
    }

    /// <summary><c>\x</c> and two lower-case hex digits per byte; the destination holds 2 + 2 × length.</summary>
    private static void WriteHex<T>(ReadOnlySpan<byte> bytes, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>
    {
        destination[0] = T.CreateTruncating('\\');
        destination[1] = T.CreateTruncating('x');
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 + (i * 2)] = T.CreateTruncating(HexDigits[bytes[i] >> 4]);
            destination[3 + (i * 2)] = T.CreateTruncating(HexDigits[bytes[i] & 15]);
        }
    }

    private static void WriteHex(byte[] bytes, Span<char> destination) => WriteHex<char>(bytes, destination);

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    // Only the two Write methods use these, and nothing they call comes back to them.
    private static Utf8JsonWriter JsonBuffer(out ArrayBufferWriter<byte> buffer)
    {
        buffer = t_jsonBuffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var json = t_json ??= new Utf8JsonWriter(buffer, JsonFormat.Writer);
        json.Reset(buffer);
        return json;
    }

    private static string Fallback(object value) =>
        value is IFormattable formattable ? formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : value.ToString() ?? string.Empty;
}
