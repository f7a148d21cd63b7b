using System.Collections.Immutable;

namespace Nagare.Runtime.Activations;

/// <summary>A destination that can show the first requests a run would send (a dry run), sending nothing.</summary>
public interface IActivationPreview
{
    /// <summary>The first <paramref name="count"/> requests of <paramref name="delivery"/>, rendered as a run would send them.</summary>
    Task<ImmutableArray<ActivationRequestSample>> PreviewAsync(ActivationDelivery delivery, int count, CancellationToken cancellationToken);
}
