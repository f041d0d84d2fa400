using System.Collections.Concurrent;
using Akka.Actor;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Runtime;

namespace Multiprocessing.Direct;

/// <summary>
/// How each other node is reached directly, asked once per node over Akka (its <see cref="DirectLinkActor"/>). A node
/// that did not answer within the ask timeout is asked again <see cref="Redial.Delay"/> after that: it may
/// only have been starting.
/// </summary>
internal sealed class DirectOffers(ActorSystem system, TimeSpan askTimeout)
{
    private readonly ConcurrentDictionary<Address, Task<DirectLinkOffer?>> _offers = new();

    /// <summary>The node's offer; null when it offers no link or did not answer.</summary>
    public Task<DirectLinkOffer?> GetAsync(Address address)
    {
        if (_offers.TryGetValue(address, out var known)) return known;
        // Asks only for the entry that made it into the table, so that a failed ask forgets its own entry and no other.
        var fresh = new TaskCompletionSource<DirectLinkOffer?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var offer = _offers.GetOrAdd(address, fresh.Task);
        if (ReferenceEquals(offer, fresh.Task)) _ = AskAsync(address, fresh);
        return offer;
    }

    /// <summary>The offer if it is already known; otherwise asks for it and returns null meanwhile.</summary>
    public DirectLinkOffer? TryGet(Address address)
    {
        var offer = GetAsync(address);
        return offer.IsCompletedSuccessfully ? offer.Result : null;
    }

    private async Task AskAsync(Address address, TaskCompletionSource<DirectLinkOffer?> answer)
    {
        try
        {
            var agent = system.ActorSelection(ActorNames.On(address, ActorNames.DirectLinks));
            var offer = await agent.Ask<DirectLinkOffer>(new DirectLinkQuery(), askTimeout);
            answer.SetResult(offer.Host is null ? null : offer);
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException or ActorNotFoundException)
        {
            // No offer now (the node is gone, slow, or not listening yet): the caller goes over Akka.Remote, and whoever
            // asks after the delay asks the node again. A node that answered it offers no link is not asked again.
            answer.SetResult(null);
            Redial.ForgetLater(_offers, address, answer.Task);
        }
        catch (Exception e)
        {
            answer.SetException(e); // not a node's silence: whoever asked sees the fault
        }
    }
}
