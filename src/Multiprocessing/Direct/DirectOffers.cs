using System.Collections.Concurrent;
using Akka.Actor;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Runtime;

namespace Multiprocessing.Direct;

/// <summary>
/// How each other node is reached directly, asked once per node over Akka (its <see cref="DirectLinkActor"/>). A node
/// that did not answer is asked again after <see cref="DirectChannel.RedialDelay"/>: it may only have been starting.
/// </summary>
internal sealed class DirectOffers(ActorSystem system, TimeSpan askTimeout)
{
    private readonly ConcurrentDictionary<Address, Task<DirectLinkOffer?>> _offers = new();

    /// <summary>The node's offer; null when it offers no link or did not answer.</summary>
    public Task<DirectLinkOffer?> GetAsync(Address address) => _offers.GetOrAdd(address, AskAsync);

    /// <summary>The offer if it is already known; otherwise asks for it and returns null meanwhile.</summary>
    public DirectLinkOffer? TryGet(Address address)
    {
        var offer = GetAsync(address);
        return offer.IsCompletedSuccessfully ? offer.Result : null;
    }

    private async Task<DirectLinkOffer?> AskAsync(Address address)
    {
        try
        {
            var agent = system.ActorSelection(ActorNames.On(address, ActorNames.DirectLinks));
            var offer = await agent.Ask<DirectLinkOffer>(new DirectLinkQuery(), askTimeout);
            return offer.Host is null ? null : offer;
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException or ActorNotFoundException)
        {
            // No offer now (the node is gone, slow, or not listening yet): the caller goes over Akka.Remote, and whoever
            // asks after the delay asks the node again. A node that answered it offers no link is not asked again.
            _ = Task.Delay(DirectChannel.RedialDelay).ContinueWith(_ => _offers.TryRemove(address, out var _), TaskScheduler.Default);
            return null;
        }
    }
}
