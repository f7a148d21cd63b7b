using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Files;

/// <summary>
/// A destination file-name template such as <c>{stream}/{stream}_{date:yyyyMMdd}_{part:0000}.{ext}</c>.
/// Placeholders: <c>{stream}</c>, <c>{namespace}</c>, <c>{sync}</c>, <c>{date}</c> or <c>{date:FORMAT}</c>,
/// <c>{part}</c> or <c>{part:FORMAT}</c> (1-based), <c>{ext}</c>. <c>{{</c> and <c>}}</c> are literal braces.
/// </summary>
internal sealed class FileNameTemplate
{
    private readonly List<(string? Literal, string? Name, string? Format)> _segments = [];

    public FileNameTemplate(string template)
    {
        Text = template;
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                literal.Append('}');
                i++;
                continue;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var close = template.IndexOf('}', i);
            if (close < 0)
            {
                throw new ConnectorException($"File name template '{template}': '{{' at position {i + 1} is not closed.");
            }

            var body = template[(i + 1)..close];
            var colon = body.IndexOf(':', StringComparison.Ordinal);
            var name = (colon < 0 ? body : body[..colon]).Trim().ToLowerInvariant();
            var format = colon < 0 ? null : body[(colon + 1)..];
            if (name is not ("stream" or "namespace" or "sync" or "date" or "part" or "ext"))
            {
                throw new ConnectorException($"File name template '{template}': unknown placeholder '{{{body}}}'. Known: {{stream}}, {{namespace}}, {{sync}}, {{date[:format]}}, {{part[:format]}}, {{ext}}.");
            }

            if (literal.Length > 0)
            {
                _segments.Add((literal.ToString(), null, null));
                literal.Clear();
            }

            _segments.Add((null, name, format));
            i = close;
        }

        if (literal.Length > 0)
        {
            _segments.Add((literal.ToString(), null, null));
        }

        HasPart = _segments.Any(s => s.Name == "part");
    }

    public string Text { get; }

    /// <summary>Whether the template numbers parts; without it a stream can only be written as one file.</summary>
    public bool HasPart { get; }

    /// <summary>The relative path of part <paramref name="part"/>.</summary>
    public string Render(FileNameValues values, int part)
    {
        var path = new StringBuilder();
        foreach (var (literal, name, format) in _segments)
        {
            path.Append(literal ?? name switch
            {
                "stream" => PathSafe(values.Stream),
                "namespace" => PathSafe(values.Namespace ?? ""),
                "sync" => PathSafe(values.Sync ?? ""),
                "date" => values.Date.ToString(format ?? "yyyyMMdd", CultureInfo.InvariantCulture),
                "part" => part.ToString(format ?? "0", CultureInfo.InvariantCulture),
                _ => values.Extension,
            });
        }

        var relative = path.ToString().Replace('\\', '/');
        if (relative.Length == 0 || relative.EndsWith('/') || relative.Split('/').Any(s => s is "." or ".." || FileCatalog.IsReserved(s)))
        {
            throw new ConnectorException($"File name template '{Text}' gives '{relative}', which is not a usable file path (empty, '.', '..' or a name starting with '.' or '_nagare_state').");
        }

        return relative.TrimStart('/');
    }

    /// <summary>
    /// A pattern matching every file the template can give for these values (any date, any part): the stream's
    /// current set of files. Group <c>part</c> captures the part number.
    /// </summary>
    public Regex SetPattern(FileNameValues values)
    {
        var regex = new StringBuilder("^");
        var partSeen = false;
        foreach (var (literal, name, _) in _segments)
        {
            regex.Append(literal is not null ? Regex.Escape(literal.Replace('\\', '/')) : name switch
            {
                "stream" => Regex.Escape(PathSafe(values.Stream)),
                "namespace" => Regex.Escape(PathSafe(values.Namespace ?? "")),
                "sync" => values.Sync is null ? "[^/]*?" : Regex.Escape(PathSafe(values.Sync)),
                "date" => "[^/]*?",
                "part" when !partSeen => "(?<part>[0-9]+)",
                "part" => "[0-9]+",
                _ => Regex.Escape(values.Extension),
            });
            partSeen |= name == "part";
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>
    /// The folder (relative, ending in <c>/</c>, or empty) every file of <see cref="SetPattern"/> lies in: the
    /// template's text up to the last <c>/</c> before its first placeholder that varies between files.
    /// </summary>
    public string SetFolder(FileNameValues values)
    {
        var fixedText = new StringBuilder();
        foreach (var (literal, name, _) in _segments)
        {
            if (name is "date" or "part" || (name == "sync" && values.Sync is null))
            {
                break;
            }

            fixedText.Append(literal?.Replace('\\', '/') ?? name switch
            {
                "stream" => PathSafe(values.Stream),
                "namespace" => PathSafe(values.Namespace ?? ""),
                "sync" => PathSafe(values.Sync!),
                _ => values.Extension,
            });
        }

        var text = fixedText.ToString().TrimStart('/');
        return text[..(text.LastIndexOf('/') + 1)];
    }

    private static string PathSafe(string value) =>
        value.Replace('/', '_').Replace('\\', '_').Replace('\0', '_');
}
