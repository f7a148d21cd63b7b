namespace Nagare.Runtime.Notifications;

/// <summary>How sending one notice to one channel went.</summary>
/// <param name="Success">The receiver accepted the notice.</param>
/// <param name="Attempts">Attempts made (0 when the channel's configuration made sending impossible).</param>
/// <param name="Error">Why it was not delivered (the last attempt's reason), or null. Never holds a secret or a webhook's URL.</param>
public sealed record NoticeDelivery(bool Success, int Attempts, string? Error);
