"""Run a submission's code in a child process, under limits, and bring back plain arrays.

The child runs ``_runner.py`` under ``python -I -S`` (isolated mode, no site
hooks, so an editable install of ``cnn_lessons`` is not on its path, and the
runner also blocks the import). It is forked from a "zygote" (the same script
in server mode, which has imported numpy once and never runs submitted code),
or, if the zygote is unavailable or ``CNN_LESSONS_NO_ZYGOTE`` is set, started
as a fresh interpreter. Either way it starts a new session (so the whole
process group can be killed), in a fresh scratch directory, with a scrubbed
environment, stdin/stdout/stderr on /dev/null, and these limits (set by the
runner before any student code runs):

- address space: ``memory`` bytes (2 GiB by default), so that a memory hog
  gets a MemoryError instead of taking the machine down;
- CPU time, file size (64 MiB) and no core files;
- a timer per cell and per call of a graded function (``timeout`` seconds),
  and a watchdog here that kills the group when a step overruns its limit by
  more than a grace period (a submission that catches the timer's exception);
- when the grader runs as root and the interpreter is readable by ``nobody``
  (as on Gradescope), the child runs as ``nobody``, so it cannot write to the
  grader's output folder; otherwise the output folder is simply never passed
  to it, and only this process writes results (atomically).

A step that kills the child (``os._exit``, a segfault, a swallowed timeout)
is recorded and the submission is run again without that step, so one bad
cell or one bad call never costs the credit of the others.

Results come back as JSON lines (events) on a pipe and an ``.npz`` file of
plain arrays, read with ``allow_pickle=False`` after checking every member's
size. No pickle crosses the boundary.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .feedback import CallRecord, MAX_ELEMENTS
from .spec import Assignment, make_inputs

__all__ = ["Limits", "SandboxResult", "run_cells"]

RUNNER = Path(__file__).with_name("_runner.py")
GRACE = 1.5  # seconds a step may overrun its timer before the watchdog kills the group
STARTUP = 20.0  # seconds for the interpreter and numpy to start
MAX_EVENTS_BYTES = 8 << 20
MAX_OUTPUT_BYTES = 256 << 20
MAX_RUNS = 8
NOBODY = 65534


@dataclass(frozen=True)
class Limits:
    """Time and memory limits for one submission."""

    timeout: float = 10.0  # per cell and per call of a graded function
    memory: int = 2 << 30  # address space, bytes
    file_size: int = 64 << 20
    cpu: int | None = None  # seconds of CPU for the whole child; default from the timeouts


@dataclass
class CellReport:
    index: int
    status: str
    error: str = ""


@dataclass
class SandboxResult:
    """What the child did: per-cell status, per-call records, what it defined."""

    cells: list = field(default_factory=list)
    records: dict = field(default_factory=dict)  # check id -> CallRecord
    defined: list = field(default_factory=list)
    callables: list = field(default_factory=list)
    cell_of: dict = field(default_factory=dict)  # function name -> cell index that defined it
    runs: int = 0
    fatal: str = ""


def _check_id(exercise, k):
    return f"{exercise}#{k}"


_PRIV_DROP = None


def _can_drop_privileges() -> bool:
    """True when running as root and ``nobody`` can run this interpreter and import numpy (probed once)."""
    global _PRIV_DROP
    if _PRIV_DROP is None:
        _PRIV_DROP = False
        if hasattr(os, "geteuid") and os.geteuid() == 0 and not os.environ.get("CNN_LESSONS_NO_PRIVDROP"):
            try:
                probe = f"import sys; sys.path[:0] = {_sys_path()!r}; import numpy"
                r = subprocess.run([sys.executable, "-I", "-S", "-c", probe], user=NOBODY, group=NOBODY,
                                   extra_groups=[], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, cwd="/", timeout=20)
                _PRIV_DROP = r.returncode == 0
            except (OSError, subprocess.SubprocessError):
                _PRIV_DROP = False
    return _PRIV_DROP


def _sys_path() -> list:
    """Where the child finds numpy (and other installed libraries), without .pth hooks."""
    paths = [str(Path(np.__file__).resolve().parents[1])]
    try:
        import site
        paths += [p for p in site.getsitepackages() if p not in paths]
    except AttributeError:  # pragma: no cover
        pass
    return paths


def _env(scratch: str) -> dict:
    keep = {k: os.environ[k] for k in ("LANG", "LC_ALL", "TZ") if k in os.environ}
    return {**keep, "PATH": "/usr/bin:/bin", "HOME": scratch, "TMPDIR": scratch,
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}


def _prepare(assignment: Assignment, scratch: Path):
    """Write the inputs of every check; return the manifest's function list and key map."""
    arrays, functions, keys = {}, [], {}
    n = 0
    for e in assignment.exercises:
        checks = []
        for k, c in enumerate(e.checks):
            key = f"c{n}"
            n += 1
            args = []
            for j, v in enumerate(make_inputs(c)):
                if isinstance(v, np.ndarray):
                    arrays[f"{key}_in{j}"] = v
                    args.append({"array": f"{key}_in{j}"})
                else:
                    args.append({"value": list(v) if isinstance(v, tuple) else v})
            cid = _check_id(e.name, k)
            keys[cid] = key
            checks.append({"id": cid, "key": key, "args": args})
        functions.append({"name": e.name, "checks": checks})
    np.savez(scratch / "inputs.npz", **arrays)
    return functions, keys


def _read_outputs(path: Path) -> dict:
    """Load the child's arrays, refusing anything oversized, non-numeric or pickled."""
    if not path.is_file() or path.stat().st_size > MAX_OUTPUT_BYTES:
        return {}
    try:
        with zipfile.ZipFile(path) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_OUTPUT_BYTES:
                return {}
        out = {}
        with np.load(path, allow_pickle=False) as data:
            for k in data.files:
                try:
                    a = data[k]
                except Exception:  # noqa: BLE001 - a pickled or corrupted member is dropped
                    continue
                if isinstance(a, np.ndarray) and a.dtype.kind in "biuf" and a.size <= MAX_ELEMENTS:
                    out[k] = a
        return out
    except Exception:  # noqa: BLE001 - a corrupted file means no outputs
        return {}


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        extra = " (often: out of memory or CPU time)" if name in ("SIGKILL", "SIGXCPU", "SIGSEGV") else ""
        return f"it killed the grading process ({name}{extra})"
    return f"it ended the grading process (exit status {code}, as os._exit or a crash in C code does)"


class _ForkedChild:
    """A runner forked by the zygote; quacks like the parts of Popen that _run_once uses."""

    def __init__(self, zygote, pid):
        self.zygote, self.pid, self.returncode = zygote, pid, None

    def poll(self):
        if self.returncode is None:
            self.returncode = self.zygote.exit_code(self.pid, 0)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None:
            self.returncode = self.zygote.exit_code(self.pid, 30.0 if timeout is None else timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(f"runner {self.pid}", timeout)
        return self.returncode

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class _Zygote:
    """A fork server with numpy preloaded (``_runner.py --zygote``), shared by the grading threads.

    It saves the ~0.15 s that each fresh interpreter spends importing numpy. Each
    forked runner gets the same treatment as a subprocess: a new session, the
    scratch folder as cwd, the scrubbed environment, stdin/stdout/stderr on
    /dev/null, ``nobody``'s uid when available, and then the runner's own limits.
    """

    def __init__(self):
        import socket

        self.dir = Path(tempfile.mkdtemp(prefix="cnn-lessons-zygote-"))
        shutil.copyfile(RUNNER, self.dir / "_runner.py")
        os.chmod(self.dir, 0o755)
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = parent
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(self.dir / "_runner.py"), "--zygote", str(child.fileno()),
             json.dumps(_sys_path())],
            cwd=self.dir, env=_env(str(self.dir)), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, pass_fds=(child.fileno(),), start_new_session=True, close_fds=True)
        child.close()
        self.send_lock = threading.Lock()
        self.cond = threading.Condition()
        self.pids, self.exits, self.next_id, self.dead = {}, {}, 0, False
        threading.Thread(target=self._reader, name="cnn-lessons-zygote", daemon=True).start()

    def _reader(self):
        while True:
            try:
                msg = self.sock.recv(1 << 16)
            except OSError:
                msg = b""
            with self.cond:
                if not msg:
                    self.dead = True
                    self.cond.notify_all()
                    return
                try:
                    data = json.loads(msg)
                except ValueError:
                    continue
                if "exit" in data:
                    self.exits[data["exit"]] = data["code"]
                elif "id" in data:
                    self.pids[data["id"]] = data.get("pid") or data.get("error", "fork failed")
                self.cond.notify_all()

    def alive(self) -> bool:
        return not self.dead and self.proc.poll() is None

    def spawn(self, manifest_path, cwd, env, event_fd, drop) -> _ForkedChild:
        import socket

        with self.cond:
            self.next_id += 1
            rid = self.next_id
        req = {"id": rid, "manifest": str(manifest_path), "cwd": str(cwd), "env": env,
               "uid": NOBODY if drop else None, "gid": NOBODY if drop else None}
        with self.send_lock:
            socket.send_fds(self.sock, [json.dumps(req).encode()], [event_fd])
        with self.cond:
            if not self.cond.wait_for(lambda: rid in self.pids or self.dead, timeout=STARTUP):
                raise OSError("the zygote did not answer")
            if self.dead:
                raise OSError("the zygote died")
            pid = self.pids.pop(rid)
        if not isinstance(pid, int):
            raise OSError(f"the zygote could not fork: {pid}")
        return _ForkedChild(self, pid)

    def exit_code(self, pid, timeout):
        with self.cond:
            self.cond.wait_for(lambda: pid in self.exits or self.dead, timeout=timeout)
            if pid in self.exits:
                return self.exits.pop(pid)
            if self.dead:
                return -signal.SIGKILL
            return None

    def close(self):
        try:
            self.sock.close()
        finally:
            try:
                self.proc.kill()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.SubprocessError):
                pass
            shutil.rmtree(self.dir, ignore_errors=True)


_ZYGOTE = None
_ZYGOTE_LOCK = threading.Lock()


def _zygote():
    """The shared zygote, started on first use; None if disabled or it cannot start."""
    global _ZYGOTE
    if os.environ.get("CNN_LESSONS_NO_ZYGOTE") or not hasattr(os, "fork"):
        return None
    with _ZYGOTE_LOCK:
        if _ZYGOTE is not None and not _ZYGOTE.alive():
            _ZYGOTE.close()
            _ZYGOTE = None
        if _ZYGOTE is None:
            try:
                _ZYGOTE = _Zygote()
                atexit.register(_ZYGOTE.close)
            except OSError:
                return None
        return _ZYGOTE


def _spawn(manifest_path: Path, scratch: Path, write_fd: int):
    """Start a runner: forked by the zygote when possible, else a fresh ``python -I -S``."""
    drop = _can_drop_privileges()
    zygote = _zygote()
    if zygote is not None:
        try:
            return zygote.spawn(manifest_path, scratch, _env(str(scratch)), write_fd, drop)
        except OSError:
            pass
    kwargs = dict(user=NOBODY, group=NOBODY, extra_groups=[]) if drop else {}
    return subprocess.Popen(
        [sys.executable, "-I", "-S", str(scratch / "_runner.py"), str(manifest_path), str(write_fd)],
        cwd=scratch, env=_env(str(scratch)), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, pass_fds=(write_fd,), start_new_session=True, close_fds=True, **kwargs)


def _run_once(manifest: dict, scratch: Path, limits: Limits):
    """One child run; returns (events, exit description or '', timed-out step or None)."""
    manifest_path = scratch / "manifest.json"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    read_fd, write_fd = os.pipe()
    try:
        proc = _spawn(manifest_path, scratch, write_fd)
    finally:
        os.close(write_fd)
    events, buf, total = [], b"", 0
    step, deadline = None, time.monotonic() + STARTUP
    hard_stop = time.monotonic() + STARTUP + limits.timeout * (len(manifest["cells"]) + 1) \
        + limits.timeout * sum(len(f["checks"]) for f in manifest["functions"]) + 30
    sel = selectors.DefaultSelector()
    sel.register(read_fd, selectors.EVENT_READ)
    overrun = None
    eof = False
    try:
        while not eof:
            now = time.monotonic()
            left = min(deadline, hard_stop) - now
            if left <= 0:
                overrun = step or ("startup", None)
                _kill(proc)
                break
            for _key, _mask in sel.select(timeout=min(left, 1.0)):
                chunk = os.read(read_fd, 1 << 16)
                if not chunk:
                    eof = True
                    break
                total += len(chunk)
                if total > MAX_EVENTS_BYTES:
                    overrun = step or ("startup", None)
                    _kill(proc)
                    eof = True
                    break
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    try:
                        ev = json.loads(line)
                    except ValueError:
                        continue
                    if not isinstance(ev, dict):
                        continue
                    events.append(ev)
                    kind = ev.get("ev")
                    if kind == "cell":
                        step, deadline = ("cell", ev.get("i")), time.monotonic() + limits.timeout + GRACE
                    elif kind == "check":
                        step, deadline = ("check", ev.get("id")), time.monotonic() + limits.timeout * 2 + GRACE
                    elif kind in ("cell_end", "check_end", "start", "functions", "saved"):
                        step, deadline = None, time.monotonic() + STARTUP
        if overrun is None:
            try:
                proc.wait(timeout=max(0.1, min(deadline, hard_stop) - time.monotonic()))
            except subprocess.TimeoutExpired:
                overrun = step or ("startup", None)
                _kill(proc)
    finally:
        sel.close()
        os.close(read_fd)
        if proc.poll() is None:
            _kill(proc)
        else:
            try:  # children the submission may have left behind in the group
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    return events, ("" if overrun else _describe_exit(proc.returncode)), overrun


def run_cells(cells: list, assignment: Assignment, limits: Limits = Limits()) -> SandboxResult:
    """Run code `cells` (a list of ``(index, source)``) and call the assignment's functions.

    Returns a :class:`SandboxResult`; never raises because of the submission.
    """
    result = SandboxResult()
    scratch = Path(tempfile.mkdtemp(prefix="cnn-lessons-sandbox-"))
    try:
        shutil.copyfile(RUNNER, scratch / "_runner.py")
        functions, keys = _prepare(assignment, scratch)
        outputs_path = scratch / "outputs.npz"
        if _can_drop_privileges():
            os.chmod(scratch, 0o700)
            for p in [scratch, *scratch.iterdir()]:
                os.chown(p, NOBODY, NOBODY)
        n_checks = sum(len(f["checks"]) for f in functions)
        cpu = limits.cpu or int(limits.timeout * (len(cells) + 2 * n_checks) + 30)
        manifest = {
            "sys_path": _sys_path(), "inputs": str(scratch / "inputs.npz"), "outputs": str(outputs_path),
            "cells": [{"index": i, "source": s, "label": f"code cell {n}"}
                      for n, (i, s) in enumerate(cells, start=1)],
            "functions": functions, "cell_timeout": limits.timeout, "check_timeout": limits.timeout,
            "limits": {"address_space": limits.memory, "cpu": cpu, "file_size": limits.file_size,
                       # per-uid, so only when the child runs as nobody (it stops fork bombs)
                       "processes": 256 if _can_drop_privileges() else None},
            "skip_cells": [], "skip_checks": [],
        }
        skipped_cells, skipped_checks = {}, {}
        for run in range(MAX_RUNS):
            result.runs = run + 1
            if outputs_path.exists():
                outputs_path.unlink()
            events, exit_text, overrun = _run_once(manifest, scratch, limits)
            done = any(e.get("ev") == "done" for e in events)
            if done and not overrun:
                break
            started = [e for e in events if e.get("ev") in ("cell", "check")]
            ended = {(e.get("ev")[:-4], e.get("i") if e.get("ev") == "cell_end" else e.get("id"))
                     for e in events if e.get("ev") in ("cell_end", "check_end")}
            culprit = overrun
            if culprit is None and started:
                last = started[-1]
                ident = ("cell", last.get("i")) if last["ev"] == "cell" else ("check", last.get("id"))
                if ident not in ended:
                    culprit = ident
            if culprit is None or culprit[0] == "startup":
                result.fatal = ("the grader could not run this notebook: "
                                + (exit_text or "it did not start or stopped responding"))
                break
            why = (f"it did not finish within {limits.timeout:g} s" if overrun
                   else exit_text)
            if culprit[0] == "cell":
                skipped_cells[culprit[1]] = why
                manifest["skip_cells"].append(culprit[1])
            else:
                skipped_checks[culprit[1]] = why
                manifest["skip_checks"].append(culprit[1])
        else:
            result.fatal = "the grader gave up after too many crashes"
        _collect(result, events, _read_outputs(outputs_path), functions, keys, skipped_cells, skipped_checks)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


def _collect(result, events, outputs, functions, keys, skipped_cells, skipped_checks):
    cells = {}
    for e in events:
        kind = e.get("ev")
        if kind == "cell_end" and isinstance(e.get("i"), int):
            cells[e["i"]] = CellReport(e["i"], str(e.get("status", "")), str(e.get("error", ""))[:800])
            for name in e.get("defines", []) or []:
                if isinstance(name, str):
                    result.cell_of[name] = e["i"]
        elif kind == "functions":
            result.defined = [n for n in e.get("defined", []) if isinstance(n, str)]
            result.callables = [n for n in e.get("callables", []) if isinstance(n, str)][:40]
    for i, why in skipped_cells.items():
        cells[i] = CellReport(i, "killed", why)
    result.cells = [cells[i] for i in sorted(cells)]
    ends = {e.get("id"): e for e in events if e.get("ev") == "check_end"}
    for f in functions:
        for c in f["checks"]:
            cid, key = c["id"], c["key"]
            if cid in skipped_checks:
                why = skipped_checks[cid]
                result.records[cid] = CallRecord("killed", error=f"your function {why.removeprefix('it ')}")
                continue
            e = ends.get(cid)
            if e is None:
                result.records[cid] = CallRecord("not_run", error="this check did not run: " + (
                    result.fatal or "the grading process stopped before it"))
                continue
            status = str(e.get("status"))
            if status == "missing":
                result.records[cid] = CallRecord("missing", error=f"no function named {f['name']} is defined")
                continue
            if status != "ok":
                result.records[cid] = CallRecord(status, error=str(e.get("error", ""))[:800])
                continue
            parts = e.get("parts")
            if isinstance(parts, int) and 0 < parts <= 16:
                out = [outputs.get(f"{key}_out{n}") for n in range(parts)]
                if any(o is None for o in out):
                    out = None
            else:
                out = outputs.get(f"{key}_out")
            if out is None:
                result.records[cid] = CallRecord("not_run", error="the result of this call could not be read "
                                                 "back (did the notebook replace numpy functions?)")
                continue
            after = [outputs.get(f"{key}_a{j}") if "array" in a else None for j, a in enumerate(c["args"])]
            result.records[cid] = CallRecord("ok", output=out, pytype=str(e.get("pytype", ""))[:80], after=after)
