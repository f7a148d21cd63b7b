using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Nagare.Runtime.Tests.Infrastructure;

/// <summary>A message that <see cref="SmtpReceiver"/> accepted.</summary>
/// <param name="User">The user that authenticated (AUTH LOGIN or PLAIN), or null.</param>
/// <param name="Password">That user's password, or null.</param>
/// <param name="From">The address of <c>MAIL FROM</c>.</param>
/// <param name="Recipients">The addresses of <c>RCPT TO</c>, in order.</param>
/// <param name="Data">What came after <c>DATA</c>, dot-stuffing undone, lines joined by CRLF: headers, a blank line, the body.</param>
public sealed partial record ReceivedMail(string? User, string? Password, string From, IReadOnlyList<string> Recipients, string Data)
{
    /// <summary>Headers in order, folded lines unfolded and encoded words (RFC 2047) decoded.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers
    {
        get
        {
            var end = Data.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var block = end < 0 ? Data : Data[..end];
            var unfolded = Regex.Replace(block, "\r\n(?=[ \t])", "");
            return [.. unfolded.Split("\r\n").Where(l => l.Contains(':', StringComparison.Ordinal))
                .Select(l => KeyValuePair.Create(l[..l.IndexOf(':', StringComparison.Ordinal)].Trim(), DecodeWords(l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())))];
        }
    }

    /// <summary>The subject, decoded.</summary>
    public string? Subject => Header("Subject");

    /// <summary>The body, its transfer encoding (base64, quoted-printable or none) undone, read as UTF-8.</summary>
    public string Body
    {
        get
        {
            var end = Data.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var raw = end < 0 ? "" : Data[(end + 4)..];
            return Header("Content-Transfer-Encoding")?.ToUpperInvariant() switch
            {
                "BASE64" => Encoding.UTF8.GetString(Convert.FromBase64String(Regex.Replace(raw, @"\s", ""))),
                "QUOTED-PRINTABLE" => Encoding.UTF8.GetString(QuotedPrintable(raw.Replace("=\r\n", "", StringComparison.Ordinal), underscoreIsSpace: false)),
                _ => raw,
            };
        }
    }

    /// <summary>The first header named <paramref name="name"/> (any case), decoded; or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string DecodeWords(string value) =>
        EncodedWord().Replace(Regex.Replace(value, @"(\?=)\s+(=\?)", "$1$2"), m =>
        {
            var bytes = m.Groups[2].Value is "B" or "b" ? Convert.FromBase64String(m.Groups[3].Value) : QuotedPrintable(m.Groups[3].Value, underscoreIsSpace: true);
            return Encoding.GetEncoding(m.Groups[1].Value).GetString(bytes);
        });

    private static byte[] QuotedPrintable(string text, bool underscoreIsSpace)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length)
            {
                bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                bytes.Add(text[i] == '_' && underscoreIsSpace ? (byte)' ' : (byte)text[i]);
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();
}
