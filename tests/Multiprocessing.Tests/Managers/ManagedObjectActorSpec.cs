using Akka.Actor;
using Akka.Configuration;
using Multiprocessing.Direct;
using Multiprocessing.Managers;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing.Tests.Managers;

/// <summary>The entity host of a Manager's objects and the coordinator's keeper of their states, driven by probes.</summary>
public sealed class ManagedObjectActorSpec() : Akka.TestKit.Xunit2.TestKit(SpecConfig)
{
    private static readonly Config SpecConfig = ConfigurationFactory.ParseString("""
        akka.actor.serializers.hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion"
        akka.actor.serialization-bindings { "System.Object" = hyperion }
        multiprocessing.manager.dispatcher { type = ForkJoinDispatcher, dedicated-thread-pool.thread-count = 1 }
        """);

    private Akka.Serialization.Serializer Serializer => Sys.Serialization.FindSerializerForType(typeof(object));

    private byte[] Bytes(object value) => Serializer.ToBinary(value);

    private byte[] State(SharedState state) => Serializer.ToBinary(state);

    private ObjectCall Call(long id, string operation, params object[] args) => new(id, operation, [.. args.Select(Bytes)]);

    // Links off: what an entity sends its keeper goes as a plain message, to the probe.
    private DirectChannel Direct => field ??= new((ExtendedActorSystem)Sys, PayloadSerializer.Of(Sys), new DirectOffers(Sys, TimeSpan.FromSeconds(5)),
        new DirectDialer(null, TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(5), enabled: false);

    private IActorRef Entity(string entityId, Akka.TestKit.TestProbe keeper) =>
        Sys.ActorOf(ManagedObjectActor.Props(entityId, keeper.Ref, Direct, TimeSpan.FromSeconds(1)));

    private static ObjectRestored Unreplicated(string entityId, byte[] state) => new(entityId, state, [], 1, Replicated: false, LostFrom: null);

    private static ObjectRestored Replicated(string entityId, byte[] state, IReadOnlyList<ICorrelated>? calls = null, string? lostFrom = null) =>
        new(entityId, state, calls ?? [], 1, Replicated: true, lostFrom);

    // A keeper with one replicated object (state [1]), started once by this test's actor: the first start it gave.
    private (IActorRef Keeper, ObjectRestored First) KeeperWithAReplicatedObjectStarted()
    {
        var keeper = Sys.ActorOf(ManagerKeeperActor.Props(CreateTestProbe().Ref, TimeSpan.FromSeconds(5), new NodeReachability(Sys), Direct));
        keeper.Tell(new ManagerKeeperActor.Keep("m1/1", [1], Replicated: true));
        keeper.Tell(new RestoreObject("m1/1"));
        return (keeper, ExpectMsg<ObjectRestored>());
    }

    private IActorRef RestoredReplicated(Akka.TestKit.TestProbe keeper, ObjectRestored restored)
    {
        var entity = Entity(restored.EntityId, keeper);
        keeper.ExpectMsg<RestoreObject>();
        keeper.Reply(restored);
        return entity;
    }

    // The entity hands its state off (as when its shard moves) and a new entity restores it.
    private IActorRef MovedToANewEntity(IActorRef entity, Akka.TestKit.TestProbe keeper)
    {
        entity.Tell(HandOffObject.Instance);
        var saved = keeper.ExpectMsg<SaveObject>();
        keeper.Reply(new ObjectSaved("m1/1"));
        var next = Entity("m1/1", keeper);
        keeper.ExpectMsg<RestoreObject>();
        keeper.Reply(Unreplicated("m1/1", saved.State));
        return next;
    }

    private IActorRef Restored(Akka.TestKit.TestProbe keeper, SharedState state)
    {
        var entity = Entity("m1/1", keeper);
        keeper.ExpectMsg<RestoreObject>(r => r.EntityId == "m1/1");
        keeper.Reply(Unreplicated("m1/1", State(state)));
        return entity;
    }

    [Fact]
    public void An_entity_asks_for_its_state_first_and_holds_requests_until_it_has_it()
    {
        var keeper = CreateTestProbe();
        var entity = Entity("m1/1", keeper);
        keeper.ExpectMsg<RestoreObject>();
        entity.Tell(Call(1, DictOps.GetItem, "a"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        keeper.Reply(Unreplicated("m1/1", State(new DictState([(Bytes("a"), Bytes(1))]))));

        Assert.Equal(1, Serializer.FromBinary(ExpectMsg<ObjectReturn>(r => r.RequestId == 1).Values[0], typeof(object)));
    }

    [Fact]
    public void Operations_apply_in_order_and_an_error_comes_back_as_a_fault_naming_its_type()
    {
        var entity = Restored(CreateTestProbe(), new DictState([]));
        entity.Tell(Call(1, DictOps.SetItem, "k", 5));
        entity.Tell(Call(2, DictOps.GetItem, "k"));
        entity.Tell(Call(3, DictOps.GetItem, "missing"));

        ExpectMsg<ObjectReturn>(r => r.RequestId == 1);
        Assert.Equal(5, Serializer.FromBinary(ExpectMsg<ObjectReturn>(r => r.RequestId == 2).Values[0], typeof(object)));
        var fault = ExpectMsg<ObjectFault>(f => f.RequestId == 3);
        Assert.IsType<KeyNotFoundException>(ObjectFaults.Rebuild(fault));
    }

    [Fact]
    public void A_hand_off_saves_the_state_with_the_keeper_and_the_next_entity_starts_from_it()
    {
        var keeper = CreateTestProbe();
        var entity = Restored(keeper, new ListState([Bytes(1)]));
        entity.Tell(Call(1, ListOps.Append, 2));
        ExpectMsg<ObjectReturn>();
        Watch(entity);

        entity.Tell(HandOffObject.Instance);
        var saved = keeper.ExpectMsg<SaveObject>();
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // not stopped before the keeper has it
        keeper.Reply(new ObjectSaved("m1/1"));
        ExpectTerminated(entity);

        var next = Entity("m1/1", keeper);
        keeper.ExpectMsg<RestoreObject>();
        keeper.Reply(Unreplicated("m1/1", saved.State));
        next.Tell(new ObjectCall(2, ListOps.Slice, [Codec.Int(0), Codec.Int(10)]));
        Assert.Equal([1, 2], ExpectMsg<ObjectReturn>().Values.Select(v => (int)Serializer.FromBinary(v, typeof(object))!));
    }

    [Fact]
    public void A_dict_state_moves_without_its_lookup_index()
    {
        var index = typeof(DictState).GetField("_index", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var state = new DictState([.. Enumerable.Range(0, 40).Select(i => (Bytes(i), Bytes(i * 2)))]);
        Assert.NotNull(index.GetValue(state)); // built by the writes

        var moved = (DictState)Serializer.FromBinary(State(state), typeof(object))!;

        Assert.Null(index.GetValue(moved)); // the next lookup there rebuilds it (Every_container_state_moves_with_its_content)
    }

    [Theory]
    [InlineData("dict")]
    [InlineData("namespace")]
    [InlineData("registered")]
    public void Every_container_state_moves_with_its_content(string kind)
    {
        var keeper = CreateTestProbe();
        SharedState initial = kind switch
        {
            "dict" => new DictState([.. Enumerable.Range(0, 40).Select(i => (Bytes(i), Bytes(i * 2)))]),
            "namespace" => new NamespaceState(),
            _ => new RegisteredState(new Counter { Value = 7 }),
        };
        var entity = Restored(keeper, initial);
        ObjectCall change = kind switch
        {
            "dict" => new ObjectCall(1, DictOps.Pop, [Bytes(3)]), // leaves a hole the order must survive
            "namespace" => new ObjectCall(1, NamespaceOps.SetAttr, [Codec.Text("x"), Bytes("moved")]),
            _ => new ObjectCall(1, RegisteredState.Call, [Codec.Text(MethodSpec.Of(typeof(Counter).GetMethod(nameof(Counter.Add))!)), Bytes(5)]),
        };
        entity.Tell(change);
        ExpectMsg<ObjectReturn>();
        var next = MovedToANewEntity(entity, keeper);
        switch (kind)
        {
            case "dict":
                next.Tell(new ObjectCall(2, DictOps.Keys, []));
                Assert.Equal(Enumerable.Range(0, 40).Where(i => i != 3), ExpectMsg<ObjectReturn>().Values.Select(v => (int)Serializer.FromBinary(v, typeof(object))!));
                next.Tell(new ObjectCall(3, DictOps.GetItem, [Bytes(39)]));
                Assert.Equal(78, Serializer.FromBinary(ExpectMsg<ObjectReturn>().Values[0], typeof(object)));
                break;
            case "namespace":
                next.Tell(new ObjectCall(2, NamespaceOps.GetAttr, [Codec.Text("x")]));
                Assert.Equal("moved", Serializer.FromBinary(ExpectMsg<ObjectReturn>().Values[0], typeof(object)));
                break;
            default:
                next.Tell(new ObjectCall(2, RegisteredState.Call, [Codec.Text(MethodSpec.Of(typeof(Counter).GetMethod(nameof(Counter.Get))!))]));
                Assert.Equal(12, Serializer.FromBinary(ExpectMsg<ObjectReturn>().Values[0], typeof(object)));
                break;
        }
    }

    [Fact]
    public void A_parked_request_travels_with_the_state_and_is_answered_by_the_next_entity()
    {
        var keeper = CreateTestProbe();
        var consumer = CreateTestProbe();
        var entity = Restored(keeper, new Multiprocessing.Queues.QueueState(0));
        var borrower = new Multiprocessing.Messages.Queues.QueueBorrower(CreateTestProbe().Ref, 1, -1, null);
        entity.Tell(new Multiprocessing.Messages.Queues.QueueGet(1, 1, Wait: true, borrower), consumer.Ref); // parked: the queue is empty
        var next = MovedToANewEntity(entity, keeper);
        next.Tell(new Multiprocessing.Messages.Queues.QueuePut(2, [[42]], WaitForRoom: true));
        ExpectMsg<Multiprocessing.Messages.Queues.QueueDone>();
        Assert.Equal(42, consumer.ExpectMsg<Multiprocessing.Messages.Queues.QueueItems>(i => i.RequestId == 1).Items[0][0]);
    }

    [Fact]
    public void Items_lent_travel_with_the_state_and_come_back_when_their_process_dies()
    {
        var keeper = CreateTestProbe();
        var entity = Restored(keeper, new Multiprocessing.Queues.QueueState(0));
        entity.Tell(new Multiprocessing.Messages.Queues.QueuePut(1, [[1], [2], [3]], WaitForRoom: true));
        ExpectMsg<Multiprocessing.Messages.Queues.QueueDone>();
        var process = CreateTestProbe();
        entity.Tell(new Multiprocessing.Messages.Queues.QueueGet(2, 2, Wait: true, new(process.Ref, 1, -1, null)));
        ExpectMsg<Multiprocessing.Messages.Queues.QueueItems>(); // 1 and 2 lent, not received
        var next = MovedToANewEntity(entity, keeper);
        next.Tell(new Multiprocessing.Messages.Queues.QueueStatus(3, null));
        Assert.Equal(3, ExpectMsg<Multiprocessing.Messages.Queues.QueueStatusReply>().Count);
        Watch(process.Ref);
        Sys.Stop(process.Ref);
        ExpectTerminated(process.Ref);

        // One borrower for every try: each get gives back what the last one lent it (a borrower asks
        // again only once it handed out all it had), so a try made before the death is noticed cannot
        // keep item 3 away from the next.
        var borrower = new Multiprocessing.Messages.Queues.QueueBorrower(CreateTestProbe().Ref, 2, -1, null);
        AwaitAssert(() =>
        {
            next.Tell(new Multiprocessing.Messages.Queues.QueueGet(4, 10, Wait: false, borrower));
            Assert.Equal([1, 2, 3], ExpectMsg<Multiprocessing.Messages.Queues.QueueItems>().Items.Select(i => (int)i[0]));
        });
    }

    [Fact]
    public void A_call_sent_straight_to_an_entity_that_is_moving_is_answered_moved_and_does_not_run()
    {
        var keeper = CreateTestProbe();
        var entity = Restored(keeper, new ListState([]));
        entity.Tell(HandOffObject.Instance);
        keeper.ExpectMsg<SaveObject>();
        entity.Tell(new EntityEnvelope("m1/1", Call(7, ListOps.Append, 1)));
        Assert.Equal(ObjectMovedException.TypeName, ExpectMsg<ObjectFault>(f => f.RequestId == 7).ExceptionType);
    }

    [Fact]
    public void A_located_entity_gives_its_reference_and_serves_calls_sent_straight_to_it()
    {
        var entity = Restored(CreateTestProbe(), new DictState([]));
        entity.Tell(new ObjectCall(1, ObjectChannel.Locate, []));
        Assert.Equal(entity, (IActorRef)Serializer.FromBinary(ExpectMsg<ObjectReturn>().Values[0], typeof(object)));
        entity.Tell(new EntityEnvelope("m1/1", Call(2, DictOps.Len)));
        Assert.Equal(0, Codec.Int(ExpectMsg<ObjectReturn>(r => r.RequestId == 2).Values[0]));
    }

    [Fact]
    public void A_disposed_object_acknowledges_and_answers_ObjectDisposedException_and_so_does_one_the_keeper_does_not_know()
    {
        var keeper = CreateTestProbe();
        var entity = Restored(keeper, new DictState([]));
        entity.Tell(DisposeObject.Instance, keeper.Ref);
        keeper.ExpectMsg<ObjectDisposed>(d => d.EntityId == "m1/1");
        entity.Tell(Call(1, DictOps.Len));
        Assert.IsType<ObjectDisposedException>(ObjectFaults.Rebuild(ExpectMsg<ObjectFault>()));

        var unknown = Entity("m1/2", keeper);
        keeper.ExpectMsg<RestoreObject>();
        keeper.Reply(new ObjectUnavailable("m1/2", Disposed: true, "disposed"));
        unknown.Tell(Call(2, DictOps.Len));
        Assert.IsType<ObjectDisposedException>(ObjectFaults.Rebuild(ExpectMsg<ObjectFault>()));
    }

    [Fact]
    public void The_keeper_gives_a_state_once_keeps_a_saved_one_and_reports_a_lost_object()
    {
        var region = CreateTestProbe();
        var keeper = Sys.ActorOf(ManagerKeeperActor.Props(region.Ref, TimeSpan.FromSeconds(5), new NodeReachability(Sys), Direct));
        keeper.Tell(new ManagerKeeperActor.Keep("m1/1", [1], Replicated: false));
        keeper.Tell(new WhereIsObject(1, "m1/1"));
        Assert.Null(ExpectMsg<ObjectHome>().Node); // not started

        keeper.Tell(new RestoreObject("m1/1"));
        Assert.Equal([1], ExpectMsg<ObjectRestored>().State);
        keeper.Tell(new WhereIsObject(2, "m1/1"));
        Assert.Equal(TestActor.Path.Address, ExpectMsg<ObjectHome>().Node); // where its entity runs
        keeper.Tell(new RestoreObject("m1/1")); // a second start without a hand-off: its worker died with the state
        Assert.False(ExpectMsg<ObjectUnavailable>().Disposed);
        keeper.Tell(new WhereIsObject(3, "m1/1"));
        Assert.Equal(TestActor.Path.Address, ExpectMsg<ObjectHome>().Node); // where it was lost

        keeper.Tell(new SaveObject("m1/1", 1, [2]));
        ExpectMsg<ObjectSaved>();
        keeper.Tell(new WhereIsObject(4, "m1/1"));
        Assert.Null(ExpectMsg<ObjectHome>().Node); // moving
        keeper.Tell(new RestoreObject("m1/1"));
        Assert.Equal([2], ExpectMsg<ObjectRestored>().State);

        keeper.Tell(new RestoreObject("m9/9"));
        Assert.True(ExpectMsg<ObjectUnavailable>().Disposed);
    }

    [Fact]
    public void Disposing_a_manager_completes_once_its_running_entities_acknowledge()
    {
        var region = CreateTestProbe();
        var keeper = Sys.ActorOf(ManagerKeeperActor.Props(region.Ref, TimeSpan.FromSeconds(5), new NodeReachability(Sys), Direct));
        keeper.Tell(new ManagerKeeperActor.Keep("m1/1", [1], Replicated: false));
        keeper.Tell(new ManagerKeeperActor.Keep("m1/2", [1], Replicated: false)); // never started: nothing to tell it
        keeper.Tell(new ManagerKeeperActor.Keep("m2/1", [1], Replicated: false));
        keeper.Tell(new RestoreObject("m1/1"));
        ExpectMsg<ObjectRestored>();

        keeper.Tell(new ManagerKeeperActor.DisposeManager("m1"));
        var told = region.ExpectMsg<EntityEnvelope>();
        Assert.Equal("m1/1", told.EntityId);
        Assert.IsType<DisposeObject>(told.Message);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        keeper.Tell(new ObjectDisposed("m1/1"));
        Assert.Equal(2, ExpectMsg<ManagerKeeperActor.ManagerDisposed>().Objects);

        keeper.Tell(new RestoreObject("m1/2"));
        Assert.True(ExpectMsg<ObjectUnavailable>().Disposed);
        keeper.Tell(new RestoreObject("m2/1"));
        ExpectMsg<ObjectRestored>(); // another manager's objects are untouched
    }

    [Fact]
    public void A_replicated_object_answers_what_follows_a_change_once_its_keeper_has_the_change_and_a_read_at_once()
    {
        var keeper = CreateTestProbe();
        var entity = RestoredReplicated(keeper, Replicated("m1/1", State(new DictState([]))));
        entity.Tell(Call(1, DictOps.Len));
        ExpectMsg<ObjectReturn>(r => r.RequestId == 1); // nothing changed: answered at once, nothing copied
        keeper.ExpectNoMsg(TimeSpan.FromMilliseconds(50));

        entity.Tell(new ObjectCall(2, DictOps.SetItem, [Bytes("k"), Bytes(1)], CallId: 77));
        entity.Tell(Call(3, DictOps.Len)); // a read after a change waits for it too
        var update = keeper.ExpectMsg<ReplicateObject>();
        Assert.Equal((1L, 0, 77L), (update.Seq, update.State.Length, ((ObjectCall)Assert.Single(update.Calls)).CallId));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // not answered before the copy has the change
        Assert.Equal(1, keeper.ExpectMsg<ReplicateObject>(TimeSpan.FromSeconds(5)).Seq); // not acknowledged: sent again

        entity.Tell(new ObjectReplicated("m1/1", 1, 1));
        ExpectMsg<ObjectReturn>(r => r.RequestId == 2);
        Assert.Equal(1, Codec.Int(ExpectMsg<ObjectReturn>(r => r.RequestId == 3).Values[0]));
    }

    [Fact]
    public void A_registered_object_is_copied_whole_after_a_call()
    {
        var keeper = CreateTestProbe();
        var entity = RestoredReplicated(keeper, Replicated("m1/1", State(new RegisteredState(new Counter { Value = 7 }))));
        entity.Tell(new ObjectCall(1, RegisteredState.Call, [Codec.Text(MethodSpec.Of(typeof(Counter).GetMethod(nameof(Counter.Add))!)), Bytes(5)], CallId: 5));
        var update = keeper.ExpectMsg<ReplicateObject>();
        Assert.Empty(update.Calls);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        entity.Tell(new ObjectReplicated("m1/1", 1, update.Seq));
        Assert.Equal(12, Serializer.FromBinary(ExpectMsg<ObjectReturn>().Values[0], typeof(object)));

        // The copy is the object as it is now: an entity restored from it has the call's effect.
        var next = RestoredReplicated(CreateTestProbe(), Replicated("m1/1", update.State, lostFrom: "a lost node"));
        next.Tell(new ObjectCall(2, RegisteredState.Call, [Codec.Text(MethodSpec.Of(typeof(Counter).GetMethod(nameof(Counter.Get))!))]));
        Assert.Equal(12, Serializer.FromBinary(ExpectMsg<ObjectReturn>(TimeSpan.FromSeconds(5)).Values[0], typeof(object)));
    }

    [Fact]
    public void An_object_restored_from_its_copy_runs_its_calls_again_and_answers_one_sent_again_from_its_first_run()
    {
        var keeper = CreateTestProbe();
        var append = new ObjectCall(7, ListOps.Append, [Bytes(2)], CallId: 4242);
        var entity = RestoredReplicated(keeper, Replicated("m1/1", State(new ListState([Bytes(1)])), [append], lostFrom: "a lost node"));

        entity.Tell(append with { RequestId = 8 }); // its answer was lost with the node: sent again, it does not run twice
        ExpectMsg<ObjectReturn>(r => r.RequestId == 8);
        entity.Tell(new ObjectCall(9, ListOps.Slice, [Codec.Int(0), Codec.Int(10)]));
        Assert.Equal([1, 2], ExpectMsg<ObjectReturn>(r => r.RequestId == 9).Values.Select(v => (int)Serializer.FromBinary(v, typeof(object))!));
    }

    [Fact]
    public void The_keeper_keeps_a_replicated_object_s_copy_and_starts_the_next_entity_from_it_when_its_node_is_lost()
    {
        var (keeper, first) = KeeperWithAReplicatedObjectStarted();
        Assert.True(first.Replicated);
        Assert.Null(first.LostFrom);

        var call = new ObjectCall(1, ListOps.Append, [[5]], CallId: 9);
        keeper.Tell(new ReplicateObject("m1/1", first.Incarnation, 1, [], [call]));
        Assert.Equal(1, ExpectMsg<ObjectReplicated>().Seq);
        keeper.Tell(new ReplicateObject("m1/1", first.Incarnation, 1, [], [call])); // sent again: acknowledged, kept once
        Assert.Equal(1, ExpectMsg<ObjectReplicated>().Seq);
        keeper.Tell(new ReplicateObject("m1/1", first.Incarnation, 2, [3], [])); // a whole copy replaces the state and its calls
        ExpectMsg<ObjectReplicated>();
        keeper.Tell(new ReplicateObject("m1/1", first.Incarnation, 3, [], [call with { CallId = 10 }]));
        ExpectMsg<ObjectReplicated>();
        keeper.Tell(new WhereIsObject(1, "m1/1"));
        Assert.Null(ExpectMsg<ObjectHome>().Node); // a call to it is never failed for its node: it comes back

        keeper.Tell(new RestoreObject("m1/1")); // a second start without a hand-off: its node was lost
        var next = ExpectMsg<ObjectRestored>();
        Assert.Equal([3], next.State);
        Assert.Equal(10, ((ObjectCall)Assert.Single(next.Calls)).CallId);
        Assert.NotNull(next.LostFrom);
        Assert.Equal(first.Incarnation + 1, next.Incarnation);
        keeper.Tell(new ReplicateObject("m1/1", first.Incarnation, 4, [9], [])); // late, from the lost entity: ignored
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        keeper.Tell(new RestoreObject("m1/1"));
        Assert.Equal([3], ExpectMsg<ObjectRestored>().State);
    }

    [Fact]
    public void A_hand_off_waits_for_the_keeper_to_have_every_change_then_saves_and_a_sort_is_copied_whole()
    {
        var keeper = CreateTestProbe();
        var entity = RestoredReplicated(keeper, Replicated("m1/1", State(new ListState([Bytes(2), Bytes(1)]))));
        entity.Tell(new ObjectCall(1, ListOps.Sort, [Codec.Bool(false)], CallId: 3));
        var update = keeper.ExpectMsg<ReplicateObject>();
        Assert.NotEmpty(update.State); // sorting compares values with this node's comparers: the copy is the sorted list

        entity.Tell(HandOffObject.Instance);
        keeper.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // not saved while a change waits for its copy
        entity.Tell(new ObjectReplicated("m1/1", 1, update.Seq));
        ExpectMsg<ObjectReturn>(r => r.RequestId == 1); // answered once the keeper has it
        var saved = keeper.ExpectMsg<SaveObject>();
        Assert.Equal(1, saved.Incarnation);
    }

    [Fact]
    public void The_keeper_keeps_no_state_saved_by_an_entity_of_an_earlier_start()
    {
        var (keeper, first) = KeeperWithAReplicatedObjectStarted();
        keeper.Tell(new RestoreObject("m1/1")); // the first holder was taken for lost: the object starts again from its copy
        ExpectMsg<ObjectRestored>();

        keeper.Tell(new SaveObject("m1/1", first.Incarnation, [9])); // the first holder, cut off, hands off late
        Assert.True(ExpectMsg<ObjectSaved>().Superseded);
        keeper.Tell(new RestoreObject("m1/1"));
        Assert.Equal([1], ExpectMsg<ObjectRestored>().State);
    }

    [Fact]
    public void A_cancel_reaches_a_parked_request_whose_id_is_no_longer_among_those_seen()
    {
        var entity = Restored(CreateTestProbe(), new Multiprocessing.Sync.LockState(reentrant: false));
        var holder = CreateTestProbe();
        entity.Tell(new LockAcquire(1, holder.Ref, 1, Wait: true, 1), holder.Ref);
        holder.ExpectMsg<LockGranted>();
        entity.Tell(new LockAcquire(2, TestActor, 1, Wait: true, 1)); // parked: the lock is held
        for (var id = 3; id < 600; id++) entity.Tell(new LockIsMine(id, TestActor, 1)); // more ids than are remembered
        for (var id = 3; id < 600; id++) ExpectMsg<SyncFlag>();
        entity.Tell(new CancelRequest(2));
        ExpectMsg<RequestCancelled>(c => c.RequestId == 2);
        entity.Tell(new LockRelease(600, holder.Ref, 1, ForWait: false), holder.Ref);
        holder.ExpectMsg<LockReleased>();
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the cancelled acquire is not granted to nobody
    }
}
