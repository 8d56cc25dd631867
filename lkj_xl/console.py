"""The console the ``lkj`` command writes to: text that never fails on the console's encoding, JSON always in UTF-8,
a progress bar only on a terminal, and a closed output that does not turn a finished job into an error."""

from __future__ import annotations

import json
import sys


def size_text(size: int) -> str:
    """A file size as Windows Explorer and people say it, Indonesian decimals: "812 bita", "121 KB", "1,4 MB"."""
    if size < 1024:
        return f"{size} bita"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _out(text: str = "") -> None:
    print(text)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _out_json(state: object) -> None:
    """JSON in UTF-8 whatever the console's code page (a redirected stdout on Windows is cp1252): machines read it."""
    text = json.dumps(state, ensure_ascii=False, indent=2) + "\n"
    stream = sys.stdout
    if isinstance(stream, _Output):
        stream.write_bytes(text.encode("utf-8"))
        return
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        stream.write(text)


class _Output:
    """stdout for the length of a command.  The work (a saved workbook) is done before most output is written, so
    output that cannot be written must not turn a done command into a failure: characters outside the console's
    encoding (cp1252 when redirected on Windows: "✓", emoji in a note) are replaced; a closed stdout, ``/dev/full``
    or a vanished console is remembered (:attr:`failure`) and reported once on stderr by :func:`main`.  A closed
    pipe (``| head``) still raises BrokenPipeError, which main reports its own way."""

    def __init__(self, target) -> None:
        self.target = target
        self.failure: str | None = None if target is not None else "stdout tertutup"

    def _guard(self, action) -> None:
        if self.failure is not None:
            return
        try:
            action()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:  # ValueError: "I/O operation on closed file"
            self.failure = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__

    def write(self, text: str) -> int:
        def write() -> None:
            try:
                self.target.write(text)
            except UnicodeEncodeError:
                encoding = getattr(self.target, "encoding", None) or "ascii"
                self.target.write(text.encode(encoding, errors="replace").decode(encoding, errors="replace"))

        self._guard(write)
        return len(text)

    def write_bytes(self, data: bytes) -> None:
        def write() -> None:
            self.target.flush()
            buffer = getattr(self.target, "buffer", None)
            if buffer is None:
                self.target.write(data.decode("utf-8"))
            else:
                buffer.write(data)
                buffer.flush()

        self._guard(write)

    def flush(self) -> None:
        self._guard(lambda: self.target.flush())

    def __getattr__(self, name: str):
        return getattr(self.target, name)


def _safe_stderr() -> None:
    """Replace what stderr's encoding cannot show instead of failing on it."""
    reconfigure = getattr(sys.stderr, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(errors="replace")
        except (ValueError, OSError):
            pass


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_total(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


class _Bar(_NoBar):
    """tqdm on stderr, only when stderr is a terminal (a scheduled task or a pipe gets no bar)."""

    def __init__(self) -> None:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: the readers are forked processes
        self._bar = tqdm(total=None, desc="Membaca pelacak", unit=" berkas", file=sys.stderr, delay=0.5,
                         leave=False, dynamic_ncols=True)

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def set_total(self, n: int) -> None:
        self._bar.total = n
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()


def _progress_bar() -> _NoBar:
    try:
        if sys.stderr is None or not sys.stderr.isatty():
            return _NoBar()
        return _Bar()
    except (ImportError, AttributeError, ValueError, OSError):
        return _NoBar()


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (captured in tests)
        pass
