"""What every comparison script shares: a stopwatch and the one JSON line bench/Bench reads."""
import json
import time


def seconds(action):
    """Wall-clock seconds that action() takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def emit(bench, **fields):
    """Prints the result as the script's last line: one JSON object, numbers as numbers."""
    print(json.dumps({"bench": bench, **fields}), flush=True)
