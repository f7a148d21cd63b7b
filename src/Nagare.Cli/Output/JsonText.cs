using System.Buffers;
using System.Text;
using System.Text.Json;
using Nagare.Core.Json;

namespace Nagare.Cli.Output;

/// <summary>
/// A command's <c>--json</c> document, written field by field with <see cref="Utf8JsonWriter"/>: serializing an
/// anonymous object by reflection cost a command about 30 ms of its run, the first time in every process.
/// </summary>
internal static class JsonText
{
    /// <summary>The indented document <paramref name="write"/> writes.</summary>
    public static string Indented(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonFormat.IndentedWriter))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A number, or null.</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>An array of objects, one per item, whose members <paramref name="write"/> writes.</summary>
    public static void WriteObjects<T>(this Utf8JsonWriter writer, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStartObject();
            write(writer, item);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>An array of strings.</summary>
    public static void WriteStrings(this Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
