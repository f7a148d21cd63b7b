using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nagare.Templating;

namespace Nagare.Runtime.Activations;

/// <summary>
/// File-name templates of a files destination: Jinja (<c>{{ run_date }}</c>, <c>{{ activation }}</c>, …) plus
/// <c>{{ part }}</c> or <c>{{ part:03 }}</c>, the file's number (from 1) zero-padded to the width given, which the
/// file writer fills in as it rolls over to the next file.
/// </summary>
public static partial class ActivationFileNames
{
    /// <summary>Whether <paramref name="template"/> numbers its files with <c>{{ part }}</c>.</summary>
    public static bool HasPart(string template) => Part().IsMatch(template);

    /// <summary>
    /// Renders every Jinja expression of <paramref name="template"/> with <paramref name="context"/>, leaving the part
    /// number for the file writer, in its template syntax (<c>{part:000}</c>, literal braces doubled).
    /// </summary>
    /// <exception cref="TemplateException">The template does not render; the message says where.</exception>
    public static string Render(string template, IReadOnlyDictionary<string, object?> context, string what)
    {
        ArgumentNullException.ThrowIfNull(template);
        const char Start = '\u0001', End = '\u0002';
        var marked = Part().Replace(template, m => $"{Start}{m.Groups["width"].Value}{End}");
        var rendered = marked.Contains("{{", StringComparison.Ordinal) || marked.Contains("{%", StringComparison.Ordinal)
            ? new TemplateEnvironment(new TemplateOptions { StrictUndefined = true }).Parse(marked, what).Render(context)
            : marked;
        var result = new StringBuilder(rendered.Length + 8);
        for (var i = 0; i < rendered.Length; i++)
        {
            var c = rendered[i];
            if (c == Start)
            {
                var end = rendered.IndexOf(End, i);
                var width = int.TryParse(rendered.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? Math.Clamp(w, 1, 20) : 1;
                result.Append("{part:").Append('0', width).Append('}');
                i = end;
            }
            else
            {
                result.Append(c is '{' or '}' ? new string(c, 2) : c.ToString());
            }
        }

        return result.ToString();
    }

    /// <summary>Renders a template without a part number (the manifest's name).</summary>
    public static string RenderPlain(string template, IReadOnlyDictionary<string, object?> context, string what) =>
        template.Contains("{{", StringComparison.Ordinal) || template.Contains("{%", StringComparison.Ordinal)
            ? new TemplateEnvironment(new TemplateOptions { StrictUndefined = true }).Parse(template, what).Render(context)
            : template;

    [GeneratedRegex(@"\{\{\s*part\s*(?::\s*(?<width>[0-9]+))?\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
