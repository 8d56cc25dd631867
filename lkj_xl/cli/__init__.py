"""The ``lkj`` command: a thin shell over :mod:`lkj_xl.workbook.actions` for workbook files (no Excel needed).

Every error the library raises becomes a one-paragraph Indonesian message and an exit code; never a traceback.
Exit codes: 0 fine, 1 problems in the data, 2 the file cannot be used.  An unexpected failure is logged to a file
whose path the message gives.

This module is that shell: :func:`main` runs one command line and turns what it raises into a message and an exit
code.  The grammar is :mod:`lkj_xl.cli.parser`; the commands, one small ``cmd_*`` function each (a call into the
layers below), are grouped by what they work on: :mod:`~lkj_xl.cli.tracker` (one tracker's cycle and backups),
:mod:`~lkj_xl.cli.workbooks` (making workbooks, setting up a computer), :mod:`~lkj_xl.cli.sop`,
:mod:`~lkj_xl.cli.pengingat`, :mod:`~lkj_xl.cli.rekap`; what they share is :mod:`lkj_xl.cli.shared`.  How it writes
to the console is :mod:`lkj_xl.console`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime

from lkj_xl.cli.parser import build_parser
from lkj_xl.console import _err, _Output, _safe_stderr, _silence_stdout
from lkj_xl.core.errors import EXIT_OK, EXIT_UNUSABLE, LkjError


#: Exit code when the output pipe closed early (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


def _saves_so_far() -> int:
    backups = sys.modules.get("lkj_xl.files.backups")  # loaded by the first save; not imported just to count
    return len(backups.completed_saves) if backups is not None else 0


def main(argv: Sequence[str] | None = None, *, clock: Callable[[], datetime] | None = None) -> int:
    """Run ``lkj ARGV``; ``clock`` gives the real time (WIB, naive) for Riwayat and the default ``--as-of``."""
    original = sys.stdout
    output = _Output(original)
    sys.stdout = output
    _safe_stderr()
    try:
        code = _main(argv, clock)
        if output.failure is not None and code != EXIT_BROKEN_PIPE:
            _err(f"Catatan: keluaran perintah tidak dapat ditampilkan ({output.failure}); perintahnya sendiri sudah "
                 f"selesai.")
        return code
    finally:
        sys.stdout = original
        if output.failure is not None and original is not None:
            _silence_stdout()  # what stayed in its buffer must not fail again at interpreter exit
        if original is None:  # started with stdout closed: nothing for the interpreter to flush at exit
            import os

            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass


def _main(argv: Sequence[str] | None, clock: Callable[[], datetime] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.clock = clock
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_OK
    saves_before = _saves_so_far()
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed output pipe shows here, in the handlers below, not at interpreter exit
        return code
    except LkjError as exc:
        where = f" ({exc.sheet}{'!' + exc.cell if exc.cell else ''})" if exc.sheet else ""
        _err(f"Gagal{where}: {exc.message}")
        return exc.exit_code
    except KeyboardInterrupt:
        saved = sys.modules["lkj_xl.files.backups"].completed_saves[saves_before:] if _saves_so_far() > saves_before \
            else []
        if saved:
            # Ctrl+C after the workbook was replaced: the work is done; say so rather than "Dibatalkan".
            names = ", ".join(f"'{p}'" for p in dict.fromkeys(saved))
            _err(f"Dihentikan (Ctrl+C) setelah penyimpanan selesai: buku kerja {names} sudah disimpan dengan versi "
                 f"baru (versi sebelumnya ada di folder Cadangan LKj).")
            return EXIT_OK
        _err("Dibatalkan.")
        return EXIT_UNUSABLE
    except BrokenPipeError:
        # Whoever read our output stopped reading (`lkj status BERKAS | head -3`): not a failure to report or log.
        # Point stdout at devnull so the final flush at exit does not raise again; exit as a process ended by
        # SIGPIPE would (128 + 13), the way other command-line tools end in a pipeline.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # a file system answer nobody turned into a message: still a clear one, not "tak terduga"
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        _err(f"Gagal: berkas tidak dapat dibaca atau ditulis{where}: {exc.strerror or exc}. Periksa ruang kosong, "
             f"izin dan koneksi ke folder itu, lalu ulangi.")
        return EXIT_UNUSABLE
    except Exception as exc:  # noqa: BLE001 - never a traceback to the user
        from lkj_xl.runtime import log_failure

        log = log_failure("lkj " + " ".join(sys.argv[1:2]), exc)
        _err(f"Terjadi kesalahan tak terduga: {exc.__class__.__name__}: {exc}. "
             + (f"Rincian teknis dicatat di {log}." if log else ""))
        return EXIT_UNUSABLE
