

namespace Nagare.Templating.Filters;

/// <summary>The subset of Python's <c>textwrap.wrap</c> the <c>wordwrap</c> filter uses (no tab expansion, whitespace kept).</summary>
internal static class TextWrap
{
    public static List<string> Wrap(string text, int width, bool breakLongWords, bool breakOnHyphens)
    {
        var chunks = Chunks(text, breakOnHyphens);
        chunks.Reverse();
        var lines = new List<string>();
        while (chunks.Count > 0)
        {
            var line = new List<string>();
            var length = 0;
            if (chunks[^1].Trim().Length == 0 && lines.Count > 0)
            {
                chunks.RemoveAt(chunks.Count - 1);
            }

            while (chunks.Count > 0)
            {
                var l = chunks[^1].Length;
                if (length + l <= width)
                {
                    line.Add(chunks[^1]);
                    chunks.RemoveAt(chunks.Count - 1);
                    length += l;
                }
                else
                {
                    break;
                }
            }

            if (chunks.Count > 0 && chunks[^1].Length > width)
            {
                var spaceLeft = width < 1 ? 1 : width - length;
                if (breakLongWords)
                {
                    var chunk = chunks[^1];
                    var end = spaceLeft;
                    if (breakOnHyphens && chunk.Length > spaceLeft)
                    {
                        var hyphen = chunk.LastIndexOf('-', Math.Max(0, spaceLeft - 1));
                        if (hyphen > 0 && chunk[..hyphen].Any(c => c != '-'))
                        {
                            end = hyphen + 1;
                        }
                    }

                    line.Add(chunk[..end]);
                    chunks[^1] = chunk[end..];
                }
                else if (line.Count == 0)
                {
                    line.Add(chunks[^1]);
                    chunks.RemoveAt(chunks.Count - 1);
                }
            }

            if (line.Count > 0 && line[^1].Trim().Length == 0)
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

    private static List<string> Chunks(string text, bool breakOnHyphens)
    {
        var chunks = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var j = i;
            var space = char.IsWhiteSpace(text[i]);
            while (j < text.Length && char.IsWhiteSpace(text[j]) == space)
            {
                j++;
            }

            var piece = text[i..j];
            if (!space && breakOnHyphens)
            {
                SplitHyphens(piece, chunks);
            }
            else
            {
                chunks.Add(piece);
            }

            i = j;
        }

        return chunks;
    }

    // A hyphen splits a word when two letters precede it and a letter follows, as in "long-term".
    private static void SplitHyphens(string word, List<string> chunks)
    {
        var start = 0;
        for (var k = 0; k < word.Length; k++)
        {
            if (word[k] == '-' && k >= 2 && char.IsLetter(word[k - 1]) && char.IsLetter(word[k - 2]) && k + 1 < word.Length && char.IsLetter(word[k + 1]))
            {
                chunks.Add(word[start..(k + 1)]);
                start = k + 1;
            }
        }

        chunks.Add(word[start..]);
    }
}
