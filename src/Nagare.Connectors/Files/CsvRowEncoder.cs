using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Text;

namespace Nagare.Connectors.Files;

/// <summary>
/// CSV/TSV rows per RFC 4180: a field is quoted when it holds the delimiter, the quote, CR or LF, when it is empty
/// (so it differs from NULL) or equals the NULL text; quotes inside are doubled (or preceded by the configured escape).
/// NULL is the empty unquoted field, or the configured NULL text. Lines end with LF.
/// </summary>
internal sealed class CsvRowEncoder : RowEncoder
{
    private readonly byte[] _delimiter;
    private readonly byte _quote;
    private readonly byte[] _escapedQuote;
    private readonly byte[] _null;
    private readonly byte[] _prologue;
    private readonly ArrayBufferWriter<byte> _field = new(256);

    public CsvRowEncoder(ImmutableArray<ColumnSchema> columns, string delimiter, bool header, string? quote, string? escape, string? nullText)
    {
        _delimiter = Encoding.UTF8.GetBytes(delimiter);
        if (_delimiter.Length == 0)
        {
            throw new ConnectorException("The CSV delimiter cannot be empty.");
        }

        var quoteBytes = Encoding.UTF8.GetBytes(quote ?? "\"");
        if (quoteBytes.Length != 1)
        {
            throw new ConnectorException($"The CSV quote must be one ASCII character, not '{quote}'.");
        }

        _quote = quoteBytes[0];
        _escapedQuote = escape is null ? [_quote, _quote] : [.. Encoding.UTF8.GetBytes(escape), _quote];
        _null = Encoding.UTF8.GetBytes(nullText ?? "");
        if (header)
        {
            var line = new ArrayBufferWriter<byte>();
            for (var i = 0; i < columns.Length; i++)
            {
                if (i > 0)
                {
                    line.Write(_delimiter);
                }

                _field.ResetWrittenCount();
                _field.Write(Encoding.UTF8.GetBytes(columns[i].Name));
                WriteField(line, _field.WrittenSpan);
            }

            line.Write("\n"u8);
            _prologue = line.WrittenSpan.ToArray();
        }
        else
        {
            _prologue = [];
        }
    }

    public override byte[] Prologue => _prologue;

    public override void Encode(ColumnBatch batch, int row, ArrayBufferWriter<byte> output)
    {
        var columns = batch.Columns;
        for (var c = 0; c < columns.Length; c++)
        {
            if (c > 0)
            {
                output.Write(_delimiter);
            }

            var vector = columns[c];
            if (vector.Nulls[row])
            {
                output.Write(_null);
                continue;
            }

            _field.ResetWrittenCount();
            ValueFormat.Write(vector, row, _field);
            WriteField(output, _field.WrittenSpan);
        }

        output.Write("\n"u8);
    }

    private void WriteField(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> field)
    {
        var needsQuotes = field.IsEmpty || field.SequenceEqual(_null) || field.IndexOf(_delimiter) >= 0 ||
                          field.IndexOfAny(_quote, (byte)'\n', (byte)'\r') >= 0 || (_escapedQuote.Length > 0 && _escapedQuote[0] != _quote && field.IndexOf(_escapedQuote[0]) >= 0);
        if (!needsQuotes)
        {
            output.Write(field);
            return;
        }

        output.Write([_quote]);
        var escapeByte = _escapedQuote[0];
        while (!field.IsEmpty)
        {
            var next = escapeByte == _quote ? field.IndexOf(_quote) : field.IndexOfAny(_quote, escapeByte);
            if (next < 0)
            {
                output.Write(field);
                break;
            }

            output.Write(field[..next]);
            if (field[next] == _quote)
            {
                output.Write(_escapedQuote);
            }
            else
            {
                output.Write([escapeByte, escapeByte]);
            }

            field = field[(next + 1)..];
        }

        output.Write([_quote]);
    }
}
