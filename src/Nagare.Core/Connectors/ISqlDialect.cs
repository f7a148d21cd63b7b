using Nagare.Core.Types;

namespace Nagare.Core.Connectors;

/// <summary>One connector's SQL facts in one place: quoting, identifier rules, type names.</summary>
public interface ISqlDialect
{
    /// <summary>Longest identifier the database keeps (longer ones are truncated or rejected).</summary>
    int MaxIdentifierLength { get; }

    /// <summary>Quotes an identifier so any name (quotes, spaces, unicode, reserved words) is safe.</summary>
    string QuoteIdentifier(string identifier);

    /// <summary>Quotes <c>namespace.name</c>; a null namespace means the default schema.</summary>
    string QuoteTable(string? @namespace, string name);

    /// <summary>A string literal with the dialect's escaping.</summary>
    string QuoteLiteral(string value);

    /// <summary>The column type to declare for a canonical type.</summary>
    string TypeName(ColumnType type);

    /// <summary>Makes a name acceptable as an unquoted-equivalent identifier in this database (length, characters), or returns it unchanged.</summary>
    string SanitizeIdentifier(string identifier);
}
