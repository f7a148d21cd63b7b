namespace Nagare.Templating.Tests;

/// <summary>Whitespace options other than dbt's defaults; expectations produced with Jinja2 3.1.6.</summary>
public sealed class OptionsTests
{
    private const string Source = "<ul>\n    {% for i in [1, 2] %}\n    <li>{{ i }}</li>\n    {%+ if true %}x{% endif %}\n  {# c #}\n{% endfor %}\n</ul>\n";

    [Fact]
    public void Render_TrimBlocks_RemovesNewlineAfterBlock()
    {
        var output = new TemplateEnvironment(new TemplateOptions { TrimBlocks = true }).Parse(Source).Render();

        Assert.Equal("<ul>\n        <li>1</li>\n    x      <li>2</li>\n    x  </ul>", output);
    }

    [Fact]
    public void Render_LstripBlocks_RemovesIndentBeforeBlock()
    {
        var output = new TemplateEnvironment(new TemplateOptions { LstripBlocks = true }).Parse(Source).Render();

        Assert.Equal("<ul>\n\n    <li>1</li>\n    x\n\n\n    <li>2</li>\n    x\n\n\n</ul>", output);
    }

    [Fact]
    public void Render_KeepTrailingNewline_KeepsIt()
    {
        var output = new TemplateEnvironment(new TemplateOptions { KeepTrailingNewline = true }).Parse(Source).Render();

        Assert.Equal("<ul>\n    \n    <li>1</li>\n    x\n  \n\n    <li>2</li>\n    x\n  \n\n</ul>\n", output);
    }

    [Fact]
    public void Render_TrimAndLstripBlocks_Together()
    {
        var output = new TemplateEnvironment(new TemplateOptions { TrimBlocks = true, LstripBlocks = true }).Parse(Source).Render();

        Assert.Equal("<ul>\n    <li>1</li>\n    x    <li>2</li>\n    x</ul>", output);
    }
}
