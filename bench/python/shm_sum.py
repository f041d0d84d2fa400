"""Two processes sum the halves of a 100 MiB block of shared memory in place: multiprocessing.shared_memory.

The parent fills a SharedMemory block with the float64s 0..N-1; each round starts PROCESSES processes that
attach to it by name and sum their half where it lies (numpy's ndarray over shm.buf if numpy is installed,
else the standard library's memoryview cast to 'd'), writing their sum and the seconds the sum took into a
second block; the parent joins them and checks the total. One warm-up round, then ROUNDS rounds: medians.
Fields read by the bench: wall_ms (start of the processes to their join), sum_gib_per_s (the slower
process's summing rate), numpy (1 when numpy summed).
"""
import multiprocessing
import statistics
import struct
import time
from multiprocessing import shared_memory

from anchor import emit, start_and_join

try:
    import numpy
except ImportError:
    numpy = None

SIZE = 100 * 1024 * 1024
COUNT = SIZE // 8
PROCESSES, ROUNDS = 2, 3


def half_sum(name, index, results_name):
    block, results = shared_memory.SharedMemory(name=name), shared_memory.SharedMemory(name=results_name)
    start, stop = index * COUNT // PROCESSES, (index + 1) * COUNT // PROCESSES
    began = time.perf_counter()
    if numpy is not None:
        total = float(numpy.ndarray((COUNT,), dtype=numpy.float64, buffer=block.buf)[start:stop].sum())
    else:
        view = block.buf.cast("d")
        total = sum(view[start:stop])
        view.release()
    elapsed = time.perf_counter() - began
    struct.pack_into("dd", results.buf, index * 16, total, elapsed)
    block.close()
    results.close()


def one_round(block, results):
    workers = [multiprocessing.Process(target=half_sum, args=(block.name, i, results.name)) for i in range(PROCESSES)]

    wall = start_and_join(workers)
    parts = [struct.unpack_from("dd", results.buf, i * 16) for i in range(PROCESSES)]
    total = sum(part[0] for part in parts)
    slowest = max(part[1] for part in parts)
    return wall, total, SIZE / PROCESSES / slowest / 2**30


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    block = shared_memory.SharedMemory(create=True, size=SIZE)
    results = shared_memory.SharedMemory(create=True, size=16 * PROCESSES)
    try:
        if numpy is not None:
            numpy.ndarray((COUNT,), dtype=numpy.float64, buffer=block.buf)[:] = numpy.arange(COUNT, dtype=numpy.float64)
        else:
            import array
            view = block.buf.cast("d")
            view[:] = array.array("d", range(COUNT))
            view.release()
        expected = COUNT * (COUNT - 1) / 2
        one_round(block, results)
        measured = [one_round(block, results) for _ in range(ROUNDS)]
        correct = all(total == expected for _, total, _ in measured)
        emit("shm_sum", size_bytes=SIZE, processes=PROCESSES, numpy=1 if numpy is not None else 0, correct=correct,
             wall_ms=round(statistics.median(m[0] for m in measured) * 1e3, 2),
             sum_gib_per_s=round(statistics.median(m[2] for m in measured), 3))
    finally:
        block.close()
        block.unlink()
        results.close()
        results.unlink()
