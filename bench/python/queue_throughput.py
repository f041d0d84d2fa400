"""Many producers, one consumer: multiprocessing.Queue against one simplex Pipe per producer.

P producer processes send ITEMS // P ints each and a None; the parent receives until it has seen P
Nones. Timed from the producers' start to their join, for P = 4 and P = 1, over a Queue and over
Pipes (the parent waits on all pipes with connection.wait when there are several).
Fields read by the bench: queue_4p_items_per_s, queue_1p_items_per_s, pipe_4p_items_per_s,
pipe_1p_items_per_s.
"""
import multiprocessing
import sys
import time
from multiprocessing.connection import wait

from anchor import emit

ITEMS = 200_000


def put_all(queue, count):
    for item in range(count):
        queue.put(item)
    queue.put(None)


def send_all(end, count):
    for item in range(count):
        end.send(item)
    end.send(None)
    end.close()


def received_from_queue(queue, producers):
    received = ended = 0
    while ended < producers:
        if queue.get() is None:
            ended += 1
        else:
            received += 1
    return received


def received_from_pipes(readers):
    received, open_readers = 0, list(readers)
    while open_readers:
        # One producer: a plain blocking recv, no select() per item.
        for reader in wait(open_readers) if len(open_readers) > 1 else open_readers[:]:
            if reader.recv() is None:
                open_readers.remove(reader)
            else:
                received += 1
    return received


def items_per_second(producers, start_all, receive_all):
    started = time.perf_counter()
    for producer in producers:
        producer.start()
    start_all()
    received = receive_all()
    for producer in producers:
        producer.join()
    elapsed = time.perf_counter() - started
    if received != ITEMS:
        sys.exit(f"received {received} of {ITEMS} items")
    return round(received / elapsed)


def over_queue(count):
    queue = multiprocessing.Queue()
    producers = [multiprocessing.Process(target=put_all, args=(queue, ITEMS // count)) for _ in range(count)]
    return items_per_second(producers, lambda: None, lambda: received_from_queue(queue, count))


def over_pipes(count):
    ends = [multiprocessing.Pipe(duplex=False) for _ in range(count)]
    producers = [multiprocessing.Process(target=send_all, args=(writer, ITEMS // count)) for _, writer in ends]

    def close_our_writers():
        # Only the producers hold a writer then: a reader sees the end of its pipe when its producer ends.
        for _, writer in ends:
            writer.close()

    return items_per_second(producers, close_our_writers, lambda: received_from_pipes([reader for reader, _ in ends]))


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    queue_4p, pipe_4p, queue_1p, pipe_1p = over_queue(4), over_pipes(4), over_queue(1), over_pipes(1)
    emit("queue_throughput", items=ITEMS,
         queue_4p_items_per_s=queue_4p, pipe_4p_items_per_s=pipe_4p, pipe_over_queue_4p=round(pipe_4p / queue_4p, 2),
         queue_1p_items_per_s=queue_1p, pipe_1p_items_per_s=pipe_1p, pipe_over_queue_1p=round(pipe_1p / queue_1p, 2))
