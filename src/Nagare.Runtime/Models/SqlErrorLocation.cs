using System.Globalization;
using System.Text.RegularExpressions;

namespace Nagare.Runtime.Models;

/// <summary>
/// Points a DuckDB error about a model's compiled SQL (<c>LINE 6: ...</c>, counted in the statement Nagare ran,
/// which wraps the compiled SQL) at the line of the model file the user wrote, where that can be told: the line
/// DuckDB quotes is found in the compiled SQL, and in the template when Jinja kept the line count or the line text.
/// Otherwise the message names the line of the compiled SQL and where that file is.
/// </summary>
internal static partial class SqlErrorLocation
{
    /// <summary>The message for <paramref name="node"/>: <c>models/x.sql:4: Parser Error: ... LINE 4: ...</c>.</summary>
    public static string Describe(ModelNode node, string message, string compiledPath)
    {
        var match = LinePattern().Match(message);
        if (node.CompiledSql is not { } compiled || !match.Success)
        {
            return $"{node.Path}: {message}";
        }

        var quoted = match.Groups["text"].Value.Trim().TrimEnd('.').Trim();
        var compiledLine = UniqueLine(compiled, quoted);
        if (compiledLine is null)
        {
            return $"{node.Path}: {message}";
        }

        var sourceLine = LineCount(compiled) == LineCount(node.RawSql) ? compiledLine : UniqueLine(node.RawSql, quoted);
        if (sourceLine is { } line)
        {
            return $"{node.Path}:{line.ToString(CultureInfo.InvariantCulture)}: {Renumber(message, match, line)}";
        }

        return $"{node.Path}: {Renumber(message, match, compiledLine.Value)} (line {compiledLine.Value.ToString(CultureInfo.InvariantCulture)} of the compiled SQL at {compiledPath})";
    }

    /// <summary>Writes <paramref name="line"/> for DuckDB's number and moves the caret line below it along.</summary>
    private static string Renumber(string message, Match match, int line)
    {
        var old = match.Groups["line"].Value;
        var now = line.ToString(CultureInfo.InvariantCulture);
        var shift = now.Length - old.Length;
        var after = message[(match.Index + match.Length)..];
        if (shift != 0 && CaretPattern().Match(after) is { Success: true } caret)
        {
            var spaces = Math.Max(0, caret.Groups["pad"].Length + shift);
            after = after[..caret.Index] + "\n" + new string(' ', spaces) + "^" + after[(caret.Index + caret.Length)..];
        }

        return message[..match.Index] + "LINE " + now + ":" + match.Groups["text"].Value + after;
    }

    private static int? UniqueLine(string sql, string quoted)
    {
        if (quoted.Length == 0)
        {
            return null;
        }

        var lines = sql.ReplaceLineEndings("\n").Split('\n');
        int? found = null;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(quoted, StringComparison.Ordinal))
            {
                if (found is not null)
                {
                    return null;
                }

                found = i + 1;
            }
        }

        return found;
    }

    private static int LineCount(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Length;

    [GeneratedRegex(@"LINE (?<line>\d+):(?<text>[^\n]*)")]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"^\n(?<pad> *)\^", RegexOptions.None)]
    private static partial Regex CaretPattern();
}
