"""Round-trip latency of a duplex multiprocessing.Pipe.

The parent sends an int, a child process answers it plus one, ROUND_TRIPS times, one message in
flight. Fields read by the bench: mean_rtt_us, round_trips_per_s.
Usage: python3 pipe_pingpong.py [ROUND_TRIPS] [START_METHOD]
"""
import multiprocessing
import sys

from anchor import emit, seconds

ROUND_TRIPS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
START_METHOD = sys.argv[2] if len(sys.argv) > 2 else "fork"


def answer_plus_one(end):
    # None is the parent's way to say it is done.
    for value in iter(end.recv, None):
        end.send(value + 1)
    end.close()


def ping_pong(end):
    value = 0
    for _ in range(ROUND_TRIPS):
        end.send(value)
        value = end.recv()
    return value


if __name__ == "__main__":
    context = multiprocessing.get_context(START_METHOD)
    mine, theirs = context.Pipe(duplex=True)
    child = context.Process(target=answer_plus_one, args=(theirs,))
    child.start()
    mine.send(-1)
    mine.recv()  # the child runs and the pipe is warm before the clock starts
    result = []
    elapsed = seconds(lambda: result.append(ping_pong(mine)))
    mine.send(None)
    child.join()
    if result != [ROUND_TRIPS]:
        sys.exit(f"expected {ROUND_TRIPS} after the last round trip, got {result}")
    emit("pipe_pingpong", start_method=START_METHOD, round_trips=ROUND_TRIPS,
         seconds=round(elapsed, 4), round_trips_per_s=round(ROUND_TRIPS / elapsed),
         mean_rtt_us=round(elapsed / ROUND_TRIPS * 1e6, 2))
