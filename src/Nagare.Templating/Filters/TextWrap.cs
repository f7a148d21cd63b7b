using System.Text.RegularExpressions;
using Nagare.Templating.Values;

namespace Nagare.Templating.Filters;

/// <summary>
/// Python's <c>textwrap.wrap</c> as the <c>wordwrap</c> filter calls it: no tab expansion, whitespace kept,
/// leading and trailing whitespace dropped per line, long words broken (after a hyphen when possible).
/// </summary>
internal static partial class TextWrap
{
    // Python's TextWrapper.wordsep_re: whitespace runs, em-dashes between words, and words split after
    // hyphens that sit between letters. Python only treats ASCII whitespace as separators here.
    [GeneratedRegex(@"([\t\n\x0b\x0c\r ]+|(?<=[\w!""'&.,?])-{2,}(?=\w)|[^\t\n\x0b\x0c\r ]+?(?:-(?:(?<=[^\d\W]{2}-)|(?<=[^\d\W]-[^\d\W]-))(?=[^\d\W]-?[^\d\W])|(?=[\t\n\x0b\x0c\r ]|\z)|(?<=[\w!""'&.,?])(?=-{2,}\w)))", RegexOptions.CultureInvariant)]
    private static partial Regex WordSeparator();

    [GeneratedRegex(@"([\t\n\x0b\x0c\r ]+)", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleSeparator();

    public static List<string> Wrap(string text, int width, bool breakLongWords, bool breakOnHyphens)
    {
        var chunks = (breakOnHyphens ? WordSeparator() : SimpleSeparator()).Split(text).Where(c => c.Length > 0).ToList();
        chunks.Reverse();
        var lines = new List<string>();
        while (chunks.Count > 0)
        {
            var line = new List<string>();
            var length = 0;
            if (lines.Count > 0 && IsBlank(chunks[^1]))
            {
                chunks.RemoveAt(chunks.Count - 1);
            }

            while (chunks.Count > 0)
            {
                var l = CodePoints.Length(chunks[^1]);
                if (length + l > width)
                {
                    break;
                }

                line.Add(chunks[^1]);
                chunks.RemoveAt(chunks.Count - 1);
                length += l;
            }

            if (chunks.Count > 0 && CodePoints.Length(chunks[^1]) > width)
            {
                HandleLongWord(chunks, line, length, width, breakLongWords, breakOnHyphens);
            }

            if (line.Count > 0 && IsBlank(line[^1]))
            {
                line.RemoveAt(line.Count - 1);
            }

            if (line.Count > 0)
            {
                lines.Add(string.Concat(line));
            }
        }

        return lines;
    }

    private static bool IsBlank(string chunk) => chunk.All(char.IsWhiteSpace);

    private static void HandleLongWord(List<string> reversedChunks, List<string> line, int length, int width, bool breakLongWords, bool breakOnHyphens)
    {
        var spaceLeft = width < 1 ? 1 : width - length;
        if (breakLongWords)
        {
            // Widths count characters as Python does; end is the UTF-16 index of the break.
            var chunk = reversedChunks[^1];
            var end = CodePoints.ToUtf16(chunk, spaceLeft);
            if (breakOnHyphens && CodePoints.Length(chunk) > spaceLeft && spaceLeft > 0)
            {
                var hyphen = chunk.LastIndexOf('-', end - 1);
                if (hyphen > 0 && chunk[..hyphen].Any(c => c != '-'))
                {
                    end = hyphen + 1;
                }
            }

            line.Add(chunk[..end]);
            reversedChunks[^1] = chunk[end..];
        }
        else if (line.Count == 0)
        {
            line.Add(reversedChunks[^1]);
            reversedChunks.RemoveAt(reversedChunks.Count - 1);
        }
    }
}
