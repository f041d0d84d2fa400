"""A contended counter in shared memory: multiprocessing.Value('i').

PROCESSES processes each add one INCREMENTS times under the Value's own lock (`with
v.get_lock()`, an RLock on a POSIX semaphore); the total must come out exact. Then the same
without the lock, to show that `v.value += 1` alone loses updates.
Field read by the bench: locked_incr_per_s.
"""
import multiprocessing

from anchor import emit, start_and_join

PROCESSES, INCREMENTS = 2, 200_000


def add_locked(counter):
    for _ in range(INCREMENTS):
        with counter.get_lock():
            counter.value += 1


def add_unlocked(counter):
    for _ in range(INCREMENTS):
        counter.value += 1


def count_with(target):
    """The final value and the seconds from the first start to the last join."""
    counter = multiprocessing.Value("i", 0)
    adders = [multiprocessing.Process(target=target, args=(counter,)) for _ in range(PROCESSES)]

    elapsed = start_and_join(adders)
    return counter.value, elapsed


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    expected = PROCESSES * INCREMENTS
    locked_value, locked_seconds = count_with(add_locked)
    unlocked_value, unlocked_seconds = count_with(add_unlocked)
    emit("value_incr", processes=PROCESSES, increments=expected,
         final_value=locked_value, correct=locked_value == expected,
         locked_incr_per_s=round(expected / locked_seconds), locked_s=round(locked_seconds, 3),
         unlocked_final_value=unlocked_value, unlocked_lost_updates=expected - unlocked_value,
         unlocked_incr_per_s=round(expected / unlocked_seconds))
