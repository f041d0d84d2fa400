"""A Manager().dict() used from a child process: what one proxy call costs.

The child writes d[i] = i for OPERATIONS keys, then reads them all back, each operation one
request and reply to the manager's server process; it times both loops itself and sends the
times home over a Queue. Fields read by the bench: write_ops_per_s, read_ops_per_s,
total_ops_per_s, mean_op_us.
Usage: python3 manager_dict.py [OPERATIONS]
"""
import multiprocessing
import sys

from anchor import emit, seconds

OPERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000


def write_then_read(shared, times):
    def write():
        for key in range(OPERATIONS):
            shared[key] = key

    total = []
    write_seconds = seconds(write)
    read_seconds = seconds(lambda: total.append(sum(shared[key] for key in range(OPERATIONS))))
    if total != [OPERATIONS * (OPERATIONS - 1) // 2]:
        raise SystemExit(f"read back {total}, not what was written")
    times.put((write_seconds, read_seconds))


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    with multiprocessing.Manager() as manager:
        shared, times = manager.dict(), multiprocessing.Queue()
        child = multiprocessing.Process(target=write_then_read, args=(shared, times))
        child.start()
        write_seconds, read_seconds = times.get()
        child.join()
        if len(shared) != OPERATIONS:
            sys.exit(f"the dict holds {len(shared)} keys, not {OPERATIONS}")
    both = write_seconds + read_seconds
    emit("manager_dict", ops_each=OPERATIONS,
         write_ops_per_s=round(OPERATIONS / write_seconds), read_ops_per_s=round(OPERATIONS / read_seconds),
         total_ops_per_s=round(2 * OPERATIONS / both), mean_op_us=round(both / (2 * OPERATIONS) * 1e6, 2))
