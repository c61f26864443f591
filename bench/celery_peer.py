"""The Celery side of the exec bench: a no-op task, and a driver the bench talks to over stdin/stdout.

Worker:  /usr/bin/python3 -m celery -A celery_peer worker --pool=solo   (cwd = this folder)
Driver:  /usr/bin/python3 celery_peer.py                                (reads "<steps>" lines, answers ms)

Broker and result backend are the Redis at CELERY_PEER_REDIS (a redis+socket:// or redis:// URL).
Each request chains <steps> no-op tasks on a fresh value and waits for the last result, as a caller of
the original system's engine would, and prints the elapsed milliseconds measured here, in the caller.
"""
import os
import sys
import time
import uuid

from celery import Celery, chain

REDIS = os.environ.get('CELERY_PEER_REDIS', 'redis://127.0.0.1:6379/0')
app = Celery('celery_peer', broker=REDIS, backend=REDIS)
app.conf.update(task_serializer='json', result_serializer='json', accept_content=['json'],
                worker_hijack_root_logger=False, broker_connection_retry_on_startup=True)


@app.task(name='noop')
def noop(value):
    return value


def run_chain(steps):
    token = uuid.uuid4().hex
    started = time.perf_counter()
    result = chain(noop.s(token), *[noop.s() for _ in range(steps - 1)]).apply_async()
    value = result.get(timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    if value != token:
        raise RuntimeError('chain returned %r, expected %r' % (value, token))
    return elapsed


def main():
    print('ready', flush=True)
    for line in sys.stdin:
        steps = int(line.strip())
        print('%.4f' % run_chain(steps), flush=True)


if __name__ == '__main__':
    main()
