"""What starting a process costs, for each of Python's start methods (fork, forkserver, spawn).

PROCESSES processes that do nothing, started and joined one after the other (sequential), then
all started before any is joined (batch); milliseconds per process. forkserver's server starts
with its first process, and that is counted.
Fields read by the bench: {fork,forkserver,spawn}_{seq,batch}_ms_per_proc.
"""
import multiprocessing
import sys

from anchor import emit, seconds

PROCESSES = 20
START_METHODS = ("fork", "forkserver", "spawn")


def nothing():
    pass


def one_after_another(context):
    for _ in range(PROCESSES):
        process = context.Process(target=nothing)
        process.start()
        process.join()
        if process.exitcode != 0:
            sys.exit(f"a no-op process exited with {process.exitcode}")


def all_at_once(context):
    processes = [context.Process(target=nothing) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()


def ms_per_process(shape, context):
    return round(seconds(lambda: shape(context)) / PROCESSES * 1e3, 2)


if __name__ == "__main__":
    figures = {}
    for method in START_METHODS:
        context = multiprocessing.get_context(method)
        figures[f"{method}_seq_ms_per_proc"] = ms_per_process(one_after_another, context)
        figures[f"{method}_batch_ms_per_proc"] = ms_per_process(all_at_once, context)
    emit("process_spawn", processes=PROCESSES, **figures)
