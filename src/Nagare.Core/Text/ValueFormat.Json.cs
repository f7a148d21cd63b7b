using System.Buffers;
using System.Collections;
using System.Text;
using System.Text.Json;
using Nagare.Core.Batches;
using Nagare.Core.Json;
using Nagare.Core.Types;

namespace Nagare.Core.Text;

/// <content>The JSON value of canonical values.</content>
public static partial class ValueFormat
{
    /// <summary>
    /// Writes the JSON value at <paramref name="row"/> (<c>null</c> for NULL). Allocates nothing for values other
    /// than lists and structs.
    /// </summary>
    public static void WriteJson(Utf8JsonWriter json, ColumnVector vector, int row)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(vector);
        if (vector.Nulls[row])
        {
            json.WriteNullValue();
            return;
        }

        switch (vector)
        {
            case ColumnVector<bool> v: json.WriteBooleanValue(v.Values[row]); return;
            case ColumnVector<sbyte> v: json.WriteNumberValue(v.Values[row]); return;
            case ColumnVector<short> v: json.WriteNumberValue(v.Values[row]); return;
            case ColumnVector<int> v: json.WriteNumberValue(v.Values[row]); return;
            case ColumnVector<long> v: json.WriteNumberValue(v.Values[row]); return;
            case ColumnVector<byte> v: json.WriteNumberValue(v.Values[row]); return;
            case ColumnVector<ushort> v: json.WriteNumberValue(v.Values[row]); return;
            case ColumnVector<uint> v: json.WriteNumberValue(v.Values[row]); return;
            case ColumnVector<ulong> v: json.WriteNumberValue(v.Values[row]); return;
            case ColumnVector<string?> v when v.Type.Kind == ColumnKind.Json: json.WriteRawValue(v.Values[row]!); return;
            case ColumnVector<string?> v: json.WriteStringValue(v.Values[row]); return;
            case ColumnVector<byte[]?> v: json.WriteBase64StringValue(v.Values[row]!); return;
            case ColumnVector<object?[]?> or ColumnVector<IReadOnlyDictionary<string, object?>?>:
                WriteJson(json, vector.GetBoxed(row), vector.Type);
                return;
        }

        Span<char> text = stackalloc char[MaxScalarLength];
        if (!TryFormatScalar(vector, row, text, out var written, timeZone: null))
        {
            throw new InvalidOperationException($"A {vector.Type} value has no JSON form.");
        }

        WriteScalar(json, vector is ColumnVector<float> or ColumnVector<double> or ColumnVector<Int128>, text[..written]);
    }

    /// <summary>
    /// Writes the JSON value of a boxed canonical value. A JSON column's text (<paramref name="type"/> of kind
    /// <see cref="ColumnKind.Json"/>) is written as the document it holds; a struct's fields in the order of
    /// <paramref name="type"/>'s fields when given. Other lists and dictionaries (as query results hold them) are
    /// arrays and objects, with keys as their text.
    /// </summary>
    public static void WriteJson(Utf8JsonWriter json, object? value, ColumnType? type = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        switch (value)
        {
            case null or DBNull:
                json.WriteNullValue();
                return;
            case bool b:
                json.WriteBooleanValue(b);
                return;
            case string s when type?.Kind == ColumnKind.Json:
                json.WriteRawValue(s);
                return;
            case string s:
                json.WriteStringValue(s);
                return;
            case byte[] bytes:
                json.WriteBase64StringValue(bytes);
                return;
            case IReadOnlyDictionary<string, object?> fields when type is { Kind: ColumnKind.Struct }:
                json.WriteStartObject();
                foreach (var field in type.Fields)
                {
                    json.WritePropertyName(field.Name);
                    WriteJson(json, fields.TryGetValue(field.Name, out var fieldValue) ? fieldValue : null, field.Type);
                }

                json.WriteEndObject();
                return;
            case IDictionary dictionary:
                json.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    json.WritePropertyName(Format(entry.Key));
                    WriteJson(json, entry.Value);
                }

                json.WriteEndObject();
                return;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                json.WriteStartObject();
                foreach (var (name, fieldValue) in pairs)
                {
                    json.WritePropertyName(name);
                    WriteJson(json, fieldValue);
                }

                json.WriteEndObject();
                return;
            case IEnumerable items:
                json.WriteStartArray();
                foreach (var item in items)
                {
                    WriteJson(json, item, type?.Element);
                }

                json.WriteEndArray();
                return;
        }

        Span<char> text = stackalloc char[MaxScalarLength];
        if (!TryFormatScalar(value, text, out var written, timeZone: null))
        {
            json.WriteStringValue(Fallback(value));
            return;
        }

        WriteScalar(json, value is float or double or DecimalValue or decimal || IsInteger(value), text[..written]);
    }

    /// <summary>The JSON text of a boxed canonical value, as <see cref="WriteJson(Utf8JsonWriter, object?, ColumnType?)"/> writes it.</summary>
    public static string ToJson(object? value, ColumnType? type = null)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer, JsonFormat.Writer))
        {
            WriteJson(json, value, type);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// A number as its text, so JSON and text agree to the digit (shortest round-trip floats, decimals with their
    /// scale); a float JSON has no number for (NaN, ±Infinity) and every other scalar as a string.
    /// </summary>
    private static void WriteScalar(Utf8JsonWriter json, bool number, ReadOnlySpan<char> text)
    {
        if (number && IsJsonNumber(text))
        {
            Span<byte> utf8 = stackalloc byte[MaxScalarLength];
            for (var i = 0; i < text.Length; i++)
            {
                utf8[i] = (byte)text[i];
            }

            json.WriteRawValue(utf8[..text.Length], skipInputValidation: true);
        }
        else
        {
            json.WriteStringValue(text);
        }
    }

    // NaN and the infinities are the only number texts that start with neither a digit nor '-' and a digit.
    private static bool IsJsonNumber(ReadOnlySpan<char> text) =>
        text.Length > 0 && (char.IsAsciiDigit(text[0]) || (text.Length > 1 && text[0] == '-' && char.IsAsciiDigit(text[1])));
}
