namespace ApprovalPortal.Portal.Security;

/// <summary>Told by the admin commands when someone loses rights (a user deactivated, a role or a queue taken away; an
/// API key revoked), so that what is open on this node with the old rights (hub connections) is closed at once.
/// Other nodes find out at their next revalidation (<see cref="RevalidationOptions.RevalidationInterval"/>).</summary>
public sealed class AccessSignals
{
    /// <summary>Raised with the user name after a user lost rights.</summary>
    public event Action<string>? UserRightsReduced;

    /// <summary>Raised with the client id after an API key was revoked.</summary>
    public event Action<Guid>? ApiKeyRevoked;

    /// <summary>Tells the listeners that <paramref name="userName"/> lost rights.</summary>
    public void RightsReduced(string userName) => UserRightsReduced?.Invoke(userName);

    /// <summary>Tells the listeners that the key of <paramref name="clientId"/> was revoked.</summary>
    public void KeyRevoked(Guid clientId) => ApiKeyRevoked?.Invoke(clientId);
}
