"""What every comparison script shares: a stopwatch and the one JSON line bench/Bench reads."""
import json
import time


def seconds(action):
    """Wall-clock seconds that action() takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def start_and_join(processes):
    """Wall-clock seconds from starting every process to joining them all."""

    def run_all():
        for process in processes:
            process.start()
        for process in processes:
            process.join()

    return seconds(run_all)


def emit(bench, **fields):
    """Prints the result as the script's last line: one JSON object, numbers as numbers."""
    print(json.dumps({"bench": bench, **fields}), flush=True)
