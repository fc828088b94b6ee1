"""What an upload argument may be, and how it becomes a `FileSource`.

`file=` accepts bytes, a binary file object, a `pathlib.Path`, or a tuple
`(filename, content)` / `(filename, content, mime_type)` whose content is any
of the former. Everything is checked here, before a request is built: a
path that does not exist or a file opened in text mode is refused with a
message that says so. Files are read in chunks only while the request is
sent, and each attempt rereads them from the start, so a large file is never
held in memory and a retry sends the same bytes.
"""

from __future__ import annotations

import io
import mimetypes
import os
from os import PathLike
from pathlib import Path
from typing import IO, Any, Iterator, List, Sequence, Tuple, Union, cast

from wootiv_core.checks import check_header
from wootiv_core.multipart import BytesSource, FileSource
from wootiv_core.operation import NotGiven

__all__ = ["FileInput", "FileContent", "to_file", "to_files"]

FileContent = Union[bytes, bytearray, memoryview, IO[bytes], PathLike[str]]
FileInput = Union[FileContent, Tuple[str, FileContent], Tuple[str, FileContent, str]]

_CHUNK = 256 * 1024


class PathSource(FileSource):
    """A file on disk, opened anew for each attempt."""

    def __init__(self, path: Path, filename: str, content_type: str) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"cannot upload {str(path)!r}: no such file")
        self.path = path
        self.filename = filename
        self.content_type = content_type
        self.size = path.stat().st_size

    def chunks(self) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            while True:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    return
                yield chunk


class StreamSource(FileSource):
    """An open binary file object, read from where it stood when passed in."""

    def __init__(self, stream: "IO[bytes]", filename: str, content_type: str) -> None:
        if isinstance(stream, io.TextIOBase) or "b" not in getattr(stream, "mode", "b"):
            raise TypeError(f"cannot upload {filename!r}: the file is open in text mode; open it with 'rb'")
        if not stream.seekable():
            data = stream.read()
            if not isinstance(data, bytes):  # pyright: ignore[reportUnnecessaryIsInstance]
                raise TypeError(f"cannot upload {filename!r}: reading it gave text, not bytes; open it with 'rb'")
            self.stream: "IO[bytes]" = io.BytesIO(data)
        else:
            self.stream = stream
        self.start = self.stream.tell()
        self.size = self.stream.seek(0, io.SEEK_END) - self.start
        self.stream.seek(self.start)
        self.filename = filename
        self.content_type = content_type

    def chunks(self) -> Iterator[bytes]:
        self.stream.seek(self.start)
        left = self.size
        while left > 0:
            chunk = self.stream.read(min(_CHUNK, left))
            if not chunk:
                raise OSError(f"{self.filename!r} became shorter while it was being uploaded")
            left -= len(chunk)
            yield chunk


def _guess(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _source(content: Any, filename: Union[str, None], content_type: Union[str, None]) -> FileSource:
    if isinstance(content, (bytes, bytearray, memoryview)):
        name = filename or "upload"
        return BytesSource(bytes(cast(bytes, content)), name, content_type or _guess(name))
    if isinstance(content, (str, os.PathLike)):
        if isinstance(content, str):
            raise TypeError(
                "an upload given as str is ambiguous: pass bytes for content, or pathlib.Path(...) for a file"
            )
        path = Path(os.fspath(content))  # pyright: ignore[reportUnknownArgumentType]
        name = filename or path.name
        return PathSource(path, name, content_type or _guess(name))
    if hasattr(content, "read"):
        name = filename or os.path.basename(str(getattr(content, "name", "") or "")) or "upload"
        return StreamSource(content, name, content_type or _guess(name))
    raise TypeError(
        "an upload must be bytes, a binary file object, a pathlib.Path, or a (filename, content[, mime]) "
        f"tuple; got {type(content).__name__}"
    )


def to_file(value: Any, label: str = "file") -> Any:
    """`value` as a `FileSource` (left alone when not given).

    `label` names the argument in error messages, e.g. `aws.buckets.upload(file=)`.
    """
    if value is None or isinstance(value, (NotGiven, FileSource)):
        return value
    try:
        return _file(value)
    except (TypeError, ValueError, FileNotFoundError) as exc:
        raise type(exc)(f"{label}: {exc}") from None


def _file(value: Any) -> Any:
    if isinstance(value, tuple):
        parts: Tuple[Any, ...] = value  # pyright: ignore[reportUnknownVariableType]
        if len(parts) not in (2, 3) or not isinstance(parts[0], str):
            raise TypeError("an upload tuple is (filename, content) or (filename, content, mime_type)")
        mime = parts[2] if len(parts) == 3 else None
        if mime is not None:
            check_header("Content-Type", mime)
        return _source(parts[1], parts[0], mime)
    return _source(value, None, None)


def to_files(values: Any, label: str = "files") -> Any:
    """Each item of a list of uploads as a `FileSource`."""
    if values is None or isinstance(values, NotGiven):
        return values
    if isinstance(values, (bytes, str, tuple)) or not isinstance(values, Sequence):
        raise TypeError(f"{label} must be a list of uploads, got {type(cast(object, values)).__name__}")
    items: List[Any] = list(cast(Sequence[Any], values))
    return [to_file(item, f"{label}[{index}]") for index, item in enumerate(items)]
