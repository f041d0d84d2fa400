"""multiprocessing.Pool(2).map: (a) a trivial function over ITEMS ints, (b) CPU-bound tasks.

(a) pool.map(double, range(ITEMS)) with the default chunksize (ITEMS / (4 * 2) = 125,000) against
    the serial map: what pickling and IPC cost per item.
(b) TASKS tasks of sum(i * i for i in range(WORK)) by pool.map against a serial loop: speed-up.
(c) What one task costs: pool.map(double, range(TINY), chunksize=1), and APPLIES pool.apply round trips.
The pool is made and warmed before any clock starts. Each figure is the best of REPETITIONS
rounds that interleave all the measurements, so that a busy moment hits every one alike.
The two CPUs of a shared VM are not always equally fast: one CPU's serial rate is measured with
this process pinned to it, and cpu_pool_efficiency = pool rate / (first CPU's + second CPU's rate).
Fields read by the bench: trivial_pool_items_per_s, trivial_serial_items_per_s, cpu_speedup,
cpu_serial_tasks_per_s, cpu_pool_efficiency, chunk1_task_us, apply_us.
"""
import multiprocessing
import os

from anchor import emit, seconds

ITEMS, TASKS, WORK, REPETITIONS, PINNED_TASKS = 1_000_000, 2_000, 20_000, 3, 300
TINY, APPLIES = 10_000, 1_000
WORKERS = 2


def double(x):
    return x * 2


def cpu_task(n):
    return sum(i * i for i in range(n))


def serial_cpu_tasks(count):
    for _ in range(count):
        cpu_task(WORK)


def pinned_seconds(cpu):
    """Seconds PINNED_TASKS tasks take with this process on one CPU only."""
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        return seconds(lambda: serial_cpu_tasks(PINNED_TASKS))
    finally:
        os.sched_setaffinity(0, allowed)


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    cpus = sorted(os.sched_getaffinity(0))[:WORKERS]
    cpus += cpus[:1] * (WORKERS - len(cpus))  # a one-CPU machine measures that CPU twice
    best = {}
    with multiprocessing.Pool(WORKERS) as pool:
        pool.map(double, range(100))
        if pool.map(double, range(ITEMS)) != list(map(double, range(ITEMS))):
            raise SystemExit("Pool.map returned a wrong result")
        timings = {  # each returns the seconds it measured
            "pool_trivial": lambda: seconds(lambda: pool.map(double, range(ITEMS))),
            "serial_trivial": lambda: seconds(lambda: list(map(double, range(ITEMS)))),
            "pool_cpu": lambda: seconds(lambda: pool.map(cpu_task, [WORK] * TASKS)),
            "serial_cpu": lambda: seconds(lambda: serial_cpu_tasks(TASKS)),
            "cpu0": lambda: pinned_seconds(cpus[0]),
            "cpu1": lambda: pinned_seconds(cpus[1]),
            "chunk1": lambda: seconds(lambda: pool.map(double, range(TINY), chunksize=1)),
            "apply": lambda: seconds(lambda: [pool.apply(double, (i,)) for i in range(APPLIES)]),
        }
        for _ in range(REPETITIONS):
            for name, timing in timings.items():
                best[name] = min(best.get(name, float("inf")), timing())
    cpu0_rate, cpu1_rate = PINNED_TASKS / best["cpu0"], PINNED_TASKS / best["cpu1"]
    pool_cpu_rate = TASKS / best["pool_cpu"]
    emit("pool_map", workers=WORKERS, trivial_items=ITEMS,
         trivial_pool_items_per_s=round(ITEMS / best["pool_trivial"]),
         trivial_serial_items_per_s=round(ITEMS / best["serial_trivial"]),
         trivial_speedup=round(best["serial_trivial"] / best["pool_trivial"], 3),
         cpu_tasks=TASKS, cpu_pool_tasks_per_s=round(pool_cpu_rate, 1),
         cpu_serial_tasks_per_s=round(TASKS / best["serial_cpu"], 1),
         cpu_speedup=round(best["serial_cpu"] / best["pool_cpu"], 3),
         vcpu0_tasks_per_s=round(cpu0_rate, 1), vcpu1_tasks_per_s=round(cpu1_rate, 1),
         cpu_pool_efficiency=round(pool_cpu_rate / (cpu0_rate + cpu1_rate), 3),
         chunk1_task_us=round(best["chunk1"] / TINY * 1e6, 2), apply_us=round(best["apply"] / APPLIES * 1e6, 2))
