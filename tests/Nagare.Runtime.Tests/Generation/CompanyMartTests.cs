using Nagare.Runtime.Generation;

namespace Nagare.Runtime.Tests.Generation;

public sealed class CompanyMartTests : IDisposable
{
    private readonly GenerationFiles _files = new GenerationFiles().CopyExample();

    public void Dispose() => _files.Dispose();

    private GenerateOptions Options => new(_files.Root, CatalogFile: _files.PathOf("catalog.csv"), RulesDirectory: _files.PathOf("rules"), CompanyFile: _files.PathOf("companies/hamee.yml"));

    [Fact]
    public async Task RunAsync_StringCompanyId_FiltersWithLiteral()
    {
        _files.Write("companies/hamee.yml", "company: hamee\ntables: companies/public_1001_hamee.csv\nparams:\n  company_column: company_id\n  company_id: \"H-1001\"\n");

        await _files.RunAsync(Options);

        var sql = _files.Read("models/mart/public_hamee/public_hamee__orders.sql");
        Assert.EndsWith("from {{ ref('lake_app__orders') }}\nwhere company_id = 'H-1001'\n", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownColumn_FailsAtCsvPlace()
    {
        File.AppendAllText(_files.PathOf("companies/public_1001_hamee.csv"), "hamee,lake_app.orders,total,\n");

        var e = await Assert.ThrowsAsync<GenerationException>(() => _files.RunAsync(Options));

        Assert.Equal("companies/public_1001_hamee.csv:11:3: lake_app.orders has no column 'total'", e.Message);
    }

    [Fact]
    public async Task RunAsync_TableWithoutCompanyColumn_FailsRatherThanLeakingRows()
    {
        File.AppendAllText(_files.PathOf("companies/public_1001_hamee.csv"), "hamee,lake_logs.access_logs,path,\n");

        var e = await Assert.ThrowsAsync<GenerationException>(() => _files.RunAsync(Options));

        Assert.Equal("companies/public_1001_hamee.csv:11:2: lake_logs.access_logs has no column 'company_id' (params.company_column) to keep only hamee's rows", e.Message);
    }

    [Fact]
    public async Task RunAsync_NoCompanyColumnParam_FailsNamingKey()
    {
        _files.Write("companies/hamee.yml", "company: hamee\ntables: companies/public_1001_hamee.csv\n");

        var e = await Assert.ThrowsAnyAsync<Nagare.Core.NagareException>(() => _files.RunAsync(Options));

        Assert.Contains("params.company_column is required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EmptyCompanyColumn_PublishesWholeTablesWithDefaults()
    {
        _files.Write("companies/acme.yml", "company: acme\ntables: companies/acme.csv\nparams:\n  company_column: ''\n");
        _files.Write("companies/acme.csv", "company,table,column\nacme,access_logs,path\n");

        var (summary, output) = await _files.RunAsync(Options with { CompanyFile = _files.PathOf("companies/acme.yml") });

        Assert.Equal("models/mart/public_acme", output);
        Assert.Equal(["public_acme__access_logs.sql", "public_acme__access_logs.yml"], summary.Created.ToArray());
        Assert.EndsWith("select\n    path\nfrom {{ ref('lake_logs__access_logs') }}\n", _files.Read("models/mart/public_acme/public_acme__access_logs.sql"), StringComparison.Ordinal);
    }
}
