using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nagare.Core;
using Nagare.Runtime.Access;
using Nagare.Server.Api;
using Nagare.Server.Apis;
using Nagare.Server.Auth;

namespace Nagare.Server;

/// <summary>
/// The REST API over a project: Kestrel on <see cref="ServerOptions.Listen"/>, owning the project's warehouse while it
/// runs. Started by <c>nagare serve</c> beside the scheduler and a worker.
/// </summary>
public sealed class NagareServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ServerContext context;
    private readonly ServerFile? announced;
    private int disposed;

    private NagareServer(WebApplication app, ServerContext context, Uri address, ServerFile? announced)
    {
        this.app = app;
        this.context = context;
        Address = address;
        this.announced = announced;
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:8181</c>.</summary>
    public Uri Address { get; }

    /// <summary>What every endpoint shares.</summary>
    public ServerContext Context => context;

    /// <summary>The endpoints, as mapped (for the OpenAPI document and tests).</summary>
    public IReadOnlyList<ApiOperation> Operations => ApiRoutes.OperationsOf(app);

    /// <summary>
    /// Starts listening. On a store without users it creates the user <c>admin</c> and says its password once
    /// through <see cref="ServerOptions.Log"/>.
    /// </summary>
    /// <exception cref="NagareException">The address is taken or not valid, the warehouse is held by another process, or the certificate cannot be read.</exception>
    public static async Task<NagareServer> StartAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (address, port) = ParseListen(options.Listen);
        var local = new ServerContext(options, "ngl_" + Passwords.Generate(40));
        try
        {
            await options.Pipelines.Store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            local.Warehouse.Hold();
            await CreateFirstAdminAsync(local, cancellationToken).ConfigureAwait(false);
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = options.Pipelines.Project.Root });
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(local);
            builder.Services.AddRouting();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
                kestrel.Listen(address, port, listen =>
                {
                    if (options.Certificate is { } certificate)
                    {
                        listen.UseHttps(Certificates.Load(certificate, options.CertificateKey));
                    }
                });
            });
            var app = builder.Build();
            app.Use(RequestMetrics.InvokeAsync);
            app.Use(Errors.InvokeAsync);
            app.Use(new WebUi(options.WebRoot).InvokeAsync);
            app.Use(Authentication.InvokeAsync);
            app.MapNagareApi();
            CheckEveryEndpointHasAnOperation(app);
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw new NagareException($"Cannot listen on {options.Listen}: {e.Message}") { Hint = "Another process may use the port; choose another with --listen HOST:PORT." };
            }

            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var uri = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal));
            ServerFile? file = null;
            if (options.Announce)
            {
                file = new ServerFile(uri.ToString().TrimEnd('/'), local.LocalKey, Environment.ProcessId);
                file.Write(options.Pipelines.Project.Root);
            }

            return new NagareServer(app, local, uri, file);
        }
        catch
        {
            await local.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops listening, writes the queued audit lines and lets the warehouse go.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        announced?.Remove(context.Project.Root);
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        await context.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Reads <c>HOST:PORT</c>.</summary>
    internal static (IPAddress Address, int Port) ParseListen(string listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var colon = listen.LastIndexOf(':');
        var host = colon > 0 ? listen[..colon].Trim('[', ']') : string.Empty;
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new NagareException($"--listen '{listen}' should be HOST:PORT, e.g. 127.0.0.1:8181 (this machine only) or 0.0.0.0:8181 (every interface).");
        }

        var address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new NagareException($"--listen '{listen}': '{host}' is not an IP address; use 127.0.0.1, 0.0.0.0 or an address of this machine.");
        return (address, port);
    }

    private static async Task CreateFirstAdminAsync(ServerContext context, CancellationToken cancellationToken)
    {
        if (await context.Store.CountUsersAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            return;
        }

        var password = Passwords.Generate();
        // The password went to a log: the admin is asked to choose one of their own (the API still works meanwhile).
        await context.Store.CreateUserAsync("admin", "admin", Passwords.Hash(password), context.Time.GetUtcNow(), cancellationToken, passwordChangeRequired: true).ConfigureAwait(false);
        context.Audit.Record("nagare", "user.create", "admin", "allowed", "first start", null);
        context.Options.Log?.Invoke($"nagare serve: created the user 'admin' with the password {password} (shown this once; change it with PUT /api/v1/session/password)");
    }

    /// <summary>Refuses to start when an endpoint was mapped without an <see cref="ApiOperation"/>: it would have no access check.</summary>
    private static void CheckEveryEndpointHasAnOperation(WebApplication app)
    {
        var missing = ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ApiOperation>() is null && e.Metadata.GetMetadata<FallbackMarker>() is null)
            .Select(e => e.RoutePattern.RawText).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException("Endpoints without an access check: " + string.Join(", ", missing));
        }
    }
}
