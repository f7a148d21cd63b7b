namespace Nagare.Bench.Web;

/// <summary>Summaries of repeated measurements.</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }

    /// <summary>"min–max" of the values, for the spread beside a median.</summary>
    public static string Range(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        return list.Count == 0 ? "–" : $"{Ms(list.Min())}–{Ms(list.Max())}";
    }

    /// <summary>Milliseconds, rounded.</summary>
    public static string Ms(double value) => double.IsNaN(value) ? "–" : Math.Round(value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    public static string Kb(double bytes) => (bytes / 1024).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " KB";

    public static string Ratio(double value, double reference) =>
        double.IsNaN(value) || double.IsNaN(reference) || reference <= 0 ? "–" : (value / reference).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "×";
}
