"""A worker process of the staged path's pool (intake/stage_pool.py): ``python -m counterpart.intake.stage_worker``.

It imports only what the batch encoder needs (no Django set-up, no database) and speaks over its
standard input and output: the first message is the batch encoder (with its keys: a pipe, never a file
or the command line), every later one a batch, each answered by its result; a message is its pickled
length as 8 bytes, then the pickle. It ends when its input ends.
"""

import pickle
import struct
import sys
from typing import IO, Any

_LENGTH = struct.Struct("<Q")


def message_write(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def message_read(stream: IO[bytes]) -> Any:
    """The next message, or None at the end of the stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    data = stream.read(length)
    if len(data) < length:
        return None
    return pickle.loads(data)


def main() -> None:
    source, target = sys.stdin.buffer, sys.stdout.buffer
    encoder = message_read(source)
    if encoder is None:
        return
    encode = encoder.start()
    while (batch := message_read(source)) is not None:
        message_write(target, encode(batch))


if __name__ == "__main__":
    main()
