"""A multiprocessing.Lock and Event of the main process, used from children (fork).

One child: PAIRS times lock.acquire(); lock.release(), then PAIRS times event.is_set(), after
WARM_UP of each; microseconds per pair and per query. Two children contending: both wait at a
Barrier, then each takes and releases the lock as often as it can for WINDOW seconds; each
child's count tells whether both got the lock (neither starved), and WINDOW / the smaller count
is the slower child's time per pair.
Fields read by the bench: pair_us, is_set_us, contended_slower_pair_us, contended_fairness.
"""
import multiprocessing
import time

from anchor import emit

PAIRS, WARM_UP, WINDOW = 200_000, 20_000, 0.5


def alone(lock, event, results):
    for _ in range(WARM_UP):
        lock.acquire()
        lock.release()
        event.is_set()
    start = time.perf_counter()
    for _ in range(PAIRS):
        lock.acquire()
        lock.release()
    pair = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(PAIRS):
        event.is_set()
    query = time.perf_counter() - start
    results.put((pair / PAIRS * 1e6, query / PAIRS * 1e6))


def contend(lock, barrier, results):
    for _ in range(WARM_UP):
        lock.acquire()
        lock.release()
    barrier.wait()
    count = 0
    end = time.perf_counter() + WINDOW
    while time.perf_counter() < end:
        lock.acquire()
        lock.release()
        count += 1
    results.put(count)


def run(target, children, *args):
    results = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=target, args=(*args, results)) for _ in range(children)]
    for process in processes:
        process.start()
    got = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return got


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    lock, event = multiprocessing.Lock(), multiprocessing.Event()
    (pair_us, is_set_us), = run(alone, 1, lock, event)
    counts = run(contend, 2, lock, multiprocessing.Barrier(2))
    emit("lock_pair", pair_us=round(pair_us, 3), is_set_us=round(is_set_us, 3),
         contended_counts=counts, contended_slower_pair_us=round(WINDOW / min(counts) * 1e6, 3),
         contended_fairness=round(min(counts) / max(counts), 3))
