using System.Globalization;
using System.Text;
using System.Text.Json;
using Bogus;
using Nagare.Core.Json;

namespace Nagare.Cli.Demo;

/// <summary>
/// Makes a small, realistic, reproducible shop: customers across Japan's prefectures, a product
/// catalogue, orders over the last 180 days, and web access logs (NDJSON) from the same users.
/// The same seed and end date give the same data.
/// </summary>
public sealed class DemoDataGenerator(int seed, DateTimeOffset end, int scale = 1)
{
    private static readonly (string Name, int Weight)[] Prefectures =
    [
        ("Tokyo", 30), ("Osaka", 14), ("Kanagawa", 12), ("Aichi", 10), ("Fukuoka", 8), ("Hokkaido", 7),
        ("Saitama", 7), ("Chiba", 6), ("Hyogo", 6), ("Kyoto", 4), ("Hiroshima", 3), ("Miyagi", 3), ("Okinawa", 2),
    ];

    private static readonly (string Category, string[] Items, decimal MinPrice, decimal MaxPrice)[] Catalogue =
    [
        ("coffee", ["Single-origin beans", "Drip bags", "Cold brew pack", "Espresso roast", "Decaf blend"], 800m, 4200m),
        ("tea", ["Sencha", "Gyokuro", "Hojicha", "Genmaicha", "Matcha tin"], 600m, 6800m),
        ("kitchen", ["Kettle", "Hand grinder", "Dripper", "Server jug", "Scale"], 1500m, 18000m),
        ("sweets", ["Dorayaki box", "Castella", "Senbei mix", "Yokan", "Monaka"], 500m, 3600m),
    ];

    private static readonly string[] Paths = ["/", "/products", "/products/{id}", "/cart", "/checkout", "/search?q=tea", "/account"];

    public int CustomerCount => 2_000 * scale;

    public int ProductCount => 20 * Catalogue.Length;

    public int OrderCount => 25_000 * scale;

    public int DaysOfLogs => 7;

    /// <summary>Generates customers, products and orders.</summary>
    public DemoDataSet Generate()
    {
        Randomizer.Seed = new Random(seed);
        var faker = new Faker("en") { Random = new Randomizer(seed) };
        var random = faker.Random;

        var customers = new DemoDataSet.CustomerColumns(
            new long[CustomerCount], new string[CustomerCount], new string[CustomerCount], new string[CustomerCount],
            new DateTimeOffset[CustomerCount], new bool[CustomerCount]);
        var prefectureTotal = Prefectures.Sum(p => p.Weight);
        for (var i = 0; i < CustomerCount; i++)
        {
            var first = faker.Name.FirstName();
            var last = faker.Name.LastName();
            customers.Id[i] = i + 1;
            customers.Name[i] = $"{first} {last}";
            customers.Email[i] = $"{first}.{last}{i}@example.jp".ToLowerInvariant();
            customers.Prefecture[i] = Pick(random.Int(0, prefectureTotal - 1));
            customers.SignedUpAt[i] = WholeSeconds(end.AddDays(-random.Double(30, 900)));
            customers.IsActive[i] = random.Double() < 0.9;
        }

        var products = new DemoDataSet.ProductColumns(new long[ProductCount], new string[ProductCount], new string[ProductCount], new Int128[ProductCount]);
        for (var i = 0; i < ProductCount; i++)
        {
            var (category, items, min, max) = Catalogue[i % Catalogue.Length];
            products.Id[i] = i + 1;
            products.Category[i] = category;
            products.Name[i] = $"{items[i / Catalogue.Length % items.Length]} {(char)('A' + (i / (Catalogue.Length * items.Length)))}";
            products.Price[i] = Cents(Math.Round(random.Decimal(min, max) / 10m) * 10m);
        }

        var orders = new DemoDataSet.OrderColumns(
            new long[OrderCount], new long[OrderCount], new long[OrderCount], new int[OrderCount], new Int128[OrderCount],
            new string[OrderCount], new string?[OrderCount], new DateTimeOffset[OrderCount]);
        var start = end.AddDays(-180);
        for (var i = 0; i < OrderCount; i++)
        {
            // Repeat buyers: a skewed customer distribution, as in real shops.
            var customer = (long)Math.Min(CustomerCount, 1 + (int)(CustomerCount * Math.Pow(random.Double(), 2.2)));
            var product = random.Int(1, ProductCount);
            var quantity = random.Double() < 0.8 ? 1 : random.Int(2, 5);
            orders.Id[i] = 100_000 + i;
            orders.CustomerId[i] = customer;
            orders.ProductId[i] = product;
            orders.Quantity[i] = quantity;
            orders.Amount[i] = products.Price[product - 1] * quantity;
            orders.Status[i] = random.Double() switch { < 0.86 => "shipped", < 0.94 => "paid", < 0.98 => "cancelled", _ => "refunded" };
            orders.CouponCode[i] = random.Double() < 0.15 ? $"SPRING{random.Int(10, 30)}" : null;
            // Growth over time: later days get more orders.
            var t = Math.Sqrt(random.Double());
            orders.OrderedAt[i] = WholeSeconds(start.AddSeconds(t * (end - start).TotalSeconds));
        }

        return new DemoDataSet { Customers = customers, Products = products, Orders = orders };
    }

    /// <summary>Writes one NDJSON access-log file per day for the last <see cref="DaysOfLogs"/> days; returns the files.</summary>
    public async Task<IReadOnlyList<string>> WriteAccessLogsAsync(string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var random = new Randomizer(seed + 1);
        var files = new List<string>();
        var devices = new[] { "mobile", "mobile", "mobile", "desktop", "desktop", "tablet" };
        var browsers = new[] { "Chrome", "Safari", "Safari", "Edge", "Firefox" };
        for (var day = DaysOfLogs; day >= 1; day--)
        {
            var date = end.UtcDateTime.Date.AddDays(-day);
            var path = Path.Combine(folder, $"access-{date:yyyy-MM-dd}.ndjson");
            await using var file = new StreamWriter(path, append: false, new UTF8Encoding(false));
            var lines = 4_000 * scale;
            for (var i = 0; i < lines; i++)
            {
                long? user = random.Double() < 0.7 ? (long)Math.Min(CustomerCount, 1 + (int)(CustomerCount * Math.Pow(random.Double(), 2.2))) : null;
                var template = Paths[random.Int(0, Paths.Length - 1)];
                var entry = new Dictionary<string, object?>
                {
                    ["ts"] = date.AddSeconds(random.Int(0, 86_399)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["user_id"] = user,
                    ["method"] = template == "/checkout" && random.Bool() ? "POST" : "GET",
                    ["path"] = template.Replace("{id}", random.Int(1, ProductCount).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
                    ["status"] = random.Double() < 0.97 ? 200 : random.ArrayElement(new[] { 404, 500, 302 }),
                    ["latency_ms"] = (int)Math.Round(15 + (random.Double() * random.Double() * 900)),
                    ["ua"] = new Dictionary<string, string> { ["device"] = random.ArrayElement(devices), ["browser"] = random.ArrayElement(browsers) },
                };
                await file.WriteLineAsync(JsonSerializer.Serialize(entry, JsonFormat.Serializer)).ConfigureAwait(false);
            }

            files.Add(path);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return files;
    }

    /// <summary>A price as the unscaled value of its DECIMAL(12,2) column, the warehouse's own form.</summary>
    private static Int128 Cents(decimal price) =>
        Core.Types.UnscaledDecimal.TryFromDecimal(price, 2, out var cents) ? cents : throw new OverflowException($"{price} has more than two decimals.");

    private static DateTimeOffset WholeSeconds(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static string Pick(int ticket)
    {
        foreach (var (name, weight) in Prefectures)
        {
            if (ticket < weight)
            {
                return name;
            }

            ticket -= weight;
        }

        return Prefectures[0].Name;
    }
}
