using System.Text;
using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

/// <summary>Project files are read as <see cref="File.ReadAllText(string)"/> reads them, whatever their encoding.</summary>
public sealed class ProjectFileTextTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "nagare-text-" + Guid.NewGuid().ToString("N")[..10] + ".sql");

    public static TheoryData<string, int> Files() => new()
    {
        { "select 1", 0 },
        { "", 0 },
        { "select '日本語 ✓ 😀' as t -- ünïcödé", 0 },
        { "select 'bom' as t", 1 },
        { "select 'utf-16' as t, 'ß'", 2 },
        { "select 'utf-16 be' as t", 3 },
        { "select 'utf-32' as t", 4 },
        { new string('x', 200_000) + "\n", 0 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void ReadText_AnyEncoding_SameTextAsReadAllText(string text, int encoding)
    {
        Encoding writer = encoding switch
        {
            1 => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
            2 => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            3 => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
            4 => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
            _ => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        File.WriteAllText(_file, text, writer);

        Assert.Equal(File.ReadAllText(_file), ProjectScanner.ReadText(_file));
        Assert.Equal(text, ProjectScanner.ReadText(_file));
    }

    [Fact]
    public void ReadText_InvalidUtf8_ReplacedAsReadAllTextDoes()
    {
        File.WriteAllBytes(_file, [(byte)'a', 0xC3, (byte)'b', 0x80, 0xFF]);

        Assert.Equal(File.ReadAllText(_file), ProjectScanner.ReadText(_file));
    }

    [Fact]
    public void ReadText_MissingFile_ThrowsLikeReadAllText()
    {
        Assert.Throws<FileNotFoundException>(() => ProjectScanner.ReadText(_file));
    }

    public void Dispose() => File.Delete(_file);
}
