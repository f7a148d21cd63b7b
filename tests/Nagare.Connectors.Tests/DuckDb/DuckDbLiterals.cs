using System.Collections;
using System.Globalization;
using Nagare.Connectors.Common;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.DuckDb;

/// <summary>Canonical values as DuckDB SQL literals, so tests can create tables without the connector's writer.</summary>
internal static class DuckDbLiterals
{
    public static string Format(object? value, ColumnType type)
    {
        if (value is null)
        {
            return "NULL::" + DuckDbTypeMapping.TypeName(type);
        }

        var text = value switch
        {
            bool b => b ? "true" : "false",
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable n when value is sbyte or short or int or long or byte or ushort or uint or ulong or decimal => n.ToString(null, CultureInfo.InvariantCulture),
            string s => DuckDbDialect.Literal(s),
            byte[] bytes => "'" + string.Concat(bytes.Select(x => "\\x" + x.ToString("X2", CultureInfo.InvariantCulture))) + "'",
            DateOnly d => "'" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'",
            TimeOnly t => "'" + t.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'",
            DateTime t => "'" + t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'",
            DateTimeOffset t => "'" + t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00'",
            Interval i => string.Create(CultureInfo.InvariantCulture, $"'{i.Months} months {i.Days} days {i.Microseconds} microseconds'"),
            Guid g => "'" + g.ToString() + "'",
            IReadOnlyDictionary<string, object?> fields => "{" + string.Join(", ", type.Fields.Select(f => DuckDbDialect.Literal(f.Name) + ": " + Format(fields.GetValueOrDefault(f.Name), f.Type))) + "}",
            IList items => "[" + string.Join(", ", items.Cast<object?>().Select(item => Format(item, type.Element!))) + "]",
            _ => throw new ArgumentException($"No literal for {value.GetType().Name}.", nameof(value)),
        };
        return "CAST(" + text + " AS " + DuckDbTypeMapping.TypeName(type) + ")";
    }
}
