"""100 MiB through a Pipe and through a Queue, one way: multiprocessing's own serialization (pickle).

A child (fork) receives ROUNDS + 1 payloads of SIZE bytes, answering each with its length; the parent times
each from handing it over (conn.send / queue.put) to the child's answer. One warm-up payload, then ROUNDS:
medians. Fields read by the bench: pipe_mb_per_s, queue_mb_per_s (MB = 10^6 bytes).
"""
import multiprocessing
import statistics
import time

from anchor import emit

SIZE = 100 * 1024 * 1024
ROUNDS = 3


def pipe_child(conn):
    for _ in range(ROUNDS + 1):
        conn.send(len(conn.recv()))


def queue_child(payloads, answers):
    for _ in range(ROUNDS + 1):
        answers.put(len(payloads.get()))


def rates(send, answer):
    payload = bytes(range(256)) * (SIZE // 256)
    measured = []
    for _ in range(ROUNDS + 1):
        began = time.perf_counter()
        send(payload)
        if answer() != SIZE:
            raise RuntimeError("the payload arrived short")
        measured.append(SIZE / 1e6 / (time.perf_counter() - began))
    return statistics.median(measured[1:])


def main():
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=pipe_child, args=(child,))
    process.start()
    pipe = rates(parent.send, parent.recv)
    process.join()

    payloads, answers = multiprocessing.Queue(), multiprocessing.Queue()
    process = multiprocessing.Process(target=queue_child, args=(payloads, answers))
    process.start()
    queue = rates(payloads.put, answers.get)
    process.join()
    emit("large_payload", pipe_mb_per_s=pipe, queue_mb_per_s=queue)


if __name__ == "__main__":
    main()
