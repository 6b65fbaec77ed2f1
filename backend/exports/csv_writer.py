"""CSV export as a stream of byte chunks (UTF-8 with BOM so spreadsheet programs pick the encoding)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

FLUSH_BYTES = 256 * 1024


def stream_csv(headers: list[str], chunks: Iterable[list[Any]]) -> Iterator[bytes]:
    """`chunks`: lists of rows (ExportRows.chunks())."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(headers)
    yield buffer.getvalue().encode()  # first byte before the database is even asked
    buffer.seek(0)
    buffer.truncate()
    try:
        for chunk in chunks:
            writer.writerows(chunk)
            if buffer.tell() >= FLUSH_BYTES:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()
    finally:
        close = getattr(chunks, "close", None)
        if close:  # the client went away: release the database cursor now, not at garbage collection
            close()
