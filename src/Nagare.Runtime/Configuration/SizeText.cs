using System.Globalization;
using System.Text.RegularExpressions;

namespace Nagare.Runtime.Configuration;

/// <summary>
/// Sizes as project files write them: a bare integer of bytes (<c>1048576</c>), or a number with a unit: <c>B</c>,
/// <c>KB</c>, <c>MB</c>, <c>GB</c>, <c>TB</c> (powers of 1000) or <c>KiB</c>, <c>MiB</c>, <c>GiB</c>, <c>TiB</c> (powers
/// of 1024), case-insensitive, with an optional space and fraction (<c>50MB</c>, <c>1.5 GiB</c>).
/// </summary>
public static partial class SizeText
{
    /// <summary>The number of bytes <paramref name="text"/> stands for (at least 1).</summary>
    /// <exception cref="FormatException">The text is not a size; the message says what to write.</exception>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a size: write bytes (1048576) or a number with a unit such as 50MB, 512KiB or 1.5GB");
        }

        var number = decimal.Parse(match.Groups["n"].Value.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        decimal unit = match.Groups["u"].Value.ToUpperInvariant() switch
        {
            "" or "B" => 1m,
            "KB" or "K" => 1e3m,
            "MB" or "M" => 1e6m,
            "GB" or "G" => 1e9m,
            "TB" or "T" => 1e12m,
            "KIB" => 1024m,
            "MIB" => 1024m * 1024,
            "GIB" => 1024m * 1024 * 1024,
            _ => 1024m * 1024 * 1024 * 1024,
        };
        var bytes = number * unit;
        return bytes is < 1 or > long.MaxValue || bytes != decimal.Truncate(bytes)
            ? throw new FormatException($"'{text}' is not a whole number of bytes of at least 1")
            : (long)bytes;
    }

    [GeneratedRegex(@"^(?<n>[0-9][0-9_]*(?:\.[0-9]+)?)\s*(?<u>B|[KMGT]B?|[KMGT]iB)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
