using MySqlConnector;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.MySql;

public sealed partial class MySqlServerConnection
{
    /// <inheritdoc/>
    public async Task<IStreamWriter> OpenWriterAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ProblemFor(Capabilities) is { } problem)
        {
            throw new ConnectorException(problem) { Connection = Name, Stream = request.Target.ToString() };
        }

        var session = await OpenSessionAsync($"writing {request.Target}", cancellationToken).ConfigureAwait(false);
        try
        {
            return await MySqlStreamWriter.OpenAsync(this, session, request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            if (e is MySqlException)
            {
                throw Translate(e, "preparing to write", request.Target.ToString());
            }

            throw;
        }
    }
}
