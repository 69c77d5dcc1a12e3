"""The sandbox's child process: run a submission's cells, then call its graded functions.

This file runs as a script (``python -I -S _runner.py MANIFEST EVENT_FD``) in a
fresh scratch directory, under resource limits, with ``cnn_lessons`` blocked.
It imports nothing from ``cnn_lessons`` and judges nothing: it reports what
each cell and each call did, as JSON lines on EVENT_FD, and saves what each
call returned (and each array argument after the call) to an ``.npz`` file of
plain arrays. The grading process compares them with the reference.

Events, one JSON object per line: ``start``; ``cell`` / ``cell_end`` (with
``status`` and ``error``); ``check`` / ``check_end`` (with ``status``,
``pytype``, ``error``); ``functions`` (which graded names are callable);
``saved``; ``done``. A step that starts and never ends tells the parent which
cell or call to skip on a rerun.
"""

import json
import os
import signal
import sys
import traceback

MAX_ELEMENTS = 1 << 22
MAX_TEXT = 600


class GraderTimeout(BaseException):
    """Raised by the timer; a BaseException so ``except Exception`` does not swallow it."""


def _short(text, limit=MAX_TEXT):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "..."


def main(manifest_path, event_fd):
    with open(manifest_path, encoding="utf-8") as fh:
        manifest = json.load(fh)
    for p in manifest.get("sys_path", []):
        if p not in sys.path:
            sys.path.append(p)

    import numpy as np  # before the address-space limit

    _write, _dumps, _exit = os.write, json.dumps, os._exit
    _asarray, _savez, _ndarray, _isinstance, _type = np.asarray, np.savez, np.ndarray, isinstance, type
    _setitimer, _signal, _ITIMER, _SIGALRM = signal.setitimer, signal.signal, signal.ITIMER_REAL, signal.SIGALRM

    def emit(**event):
        try:
            _write(event_fd, (_dumps(event) + "\n").encode("utf-8"))
        except Exception:  # noqa: BLE001 - the parent treats silence as a crash
            pass

    limits = manifest.get("limits", {})
    try:
        import resource
        for name, value in (("RLIMIT_AS", limits.get("address_space")), ("RLIMIT_CPU", limits.get("cpu")),
                            ("RLIMIT_FSIZE", limits.get("file_size")), ("RLIMIT_CORE", 0),
                            ("RLIMIT_NPROC", limits.get("processes"))):
            if value is not None and hasattr(resource, name):
                try:
                    resource.setrlimit(getattr(resource, name), (value, value))
                except (ValueError, OSError):
                    pass
    except ImportError:  # pragma: no cover - not POSIX
        pass

    data = np.load(manifest["inputs"], allow_pickle=False) if manifest.get("inputs") else {}
    arrays = {k: data[k] for k in data.files} if hasattr(data, "files") else {}

    _block_reference(manifest.get("blocked", "cnn_lessons"))

    def on_alarm(signum, frame):  # noqa: ARG001
        raise GraderTimeout()

    def timed(seconds, fn, *args):
        _signal(_SIGALRM, on_alarm)
        _setitimer(_ITIMER, seconds)
        try:
            return fn(*args)
        finally:
            _setitimer(_ITIMER, 0)

    emit(ev="start")
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    graded = [f["name"] for f in manifest["functions"]]
    skip_cells = set(manifest.get("skip_cells", []))
    for cell in manifest["cells"]:
        i = cell["index"]
        if i in skip_cells:
            continue
        emit(ev="cell", i=i)
        source = _strip_magics(cell["source"])
        if source is None:
            emit(ev="cell_end", i=i, status="skipped", error="a cell magic (%%) is not run by the grader")
            continue
        before = {n: namespace.get(n) for n in graded}
        status, error = "ok", ""
        try:
            code = compile(source, f"<{cell.get('label', f'cell {i}')}>", "exec")
            timed(manifest["cell_timeout"], exec, code, namespace)
        except GraderTimeout:
            status, error = "timeout", f"it did not finish within {manifest['cell_timeout']:g} s"
        except SyntaxError as exc:
            status, error = "error", f"SyntaxError: {exc.msg} (line {exc.lineno})"
        except SystemExit as exc:
            status, error = "error", f"called sys.exit({_short(exc.code, 80)}); the rest of the cell was skipped"
        except MemoryError:
            status, error = "error", "MemoryError: it tried to use more memory than the grader allows"
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything
            status, error = "error", _describe_exception(exc, cell.get("label", f"cell {i}"))
        defined = [n for n in graded if namespace.get(n) is not before[n] and callable(namespace.get(n))]
        emit(ev="cell_end", i=i, status=status, error=_short(error), defines=defined)

    emit(ev="functions", defined=[n for n in graded if callable(namespace.get(n))],
         callables=sorted(k for k, v in namespace.items()
                          if callable(v) and not k.startswith("_") and _type(v).__name__ == "function")[:40])

    outputs = {}
    skip_checks = set(manifest.get("skip_checks", []))
    for f in manifest["functions"]:
        fn = namespace.get(f["name"])
        for c in f["checks"]:
            cid, key = c["id"], c["key"]
            if cid in skip_checks:
                continue
            if not callable(fn):
                emit(ev="check_end", id=cid, status="missing")
                continue
            emit(ev="check", id=cid)
            args = []
            for a in c["args"]:
                args.append(arrays[a["array"]].copy() if "array" in a else _from_json(a["value"]))
            status, error, pytype, n_parts = "ok", "", "", None
            try:
                value = timed(manifest["check_timeout"], fn, *args)
                pytype = _typename(value)
                if _type(value) is tuple and 0 < len(value) <= 16:
                    parts = [(f"{key}_out{n}", v) for n, v in enumerate(value)]
                    pytype = "tuple:" + ",".join(_typename(v) for v in value)
                    n_parts = len(value)
                else:
                    parts, n_parts = [(f"{key}_out", value)], None
                saved = {}
                for name, v in parts:
                    out = timed(manifest["check_timeout"], _asarray, v)
                    if out.dtype.kind not in "biuf":
                        status, error = "error", (f"your function returned {pytype}, not a number "
                                                  "or an array of numbers")
                        break
                    if out.size > MAX_ELEMENTS:
                        status, error = "error", f"your function returned {out.size} values, far too many"
                        break
                    saved[name] = out
                if status == "ok":
                    outputs.update(saved)
                    for j, arg in enumerate(args):
                        if _isinstance(arg, _ndarray) and arg.size <= MAX_ELEMENTS:
                            outputs[f"{key}_a{j}"] = arg
            except GraderTimeout:
                status, error = "timeout", f"your function did not finish within {manifest['check_timeout']:g} s"
            except RecursionError:
                status, error = "error", "your function raised RecursionError (infinite recursion?)"
            except MemoryError:
                status, error = "error", "your function ran out of memory (MemoryError)"
            except SystemExit:
                status, error = "error", "your function called sys.exit()"
            except BaseException as exc:  # noqa: BLE001
                status, error = "error", "your function raised " + _describe_exception(exc, None)
            emit(ev="check_end", id=cid, status=status, error=_short(error), pytype=_short(pytype, 400),
                 parts=n_parts)

    try:
        _savez(manifest["outputs"], **outputs)
        emit(ev="saved")
    except BaseException as exc:  # noqa: BLE001
        emit(ev="save_failed", error=_short(f"{type(exc).__name__}: {exc}"))
    emit(ev="done")
    _exit(0)  # skip atexit handlers the submission may have registered


def _typename(value):
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__.split('.')[0]}.{t.__name__}"


def _from_json(value):
    return tuple(_from_json(v) for v in value) if isinstance(value, list) else value


def _describe_exception(exc, label):
    """``NameError: name 'x' is not defined (line 3)``, with the line in the cell when known."""
    line = ""
    tb = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in tb if f.filename.startswith("<") and "cell" in f.filename]
    if frames:
        f = frames[-1]
        where = f.filename.strip("<>")
        line = f" (line {f.lineno})" if where == label else f" (line {f.lineno} of {where})"
    return f"{type(exc).__name__}: {_short(exc, 400)}{line}"


def _strip_magics(source):
    """Replace IPython line magics and shell escapes by ``pass``; None for a cell magic."""
    lines = source.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if first.lstrip().startswith("%%"):
        return None
    out = []
    for ln in lines:
        stripped = ln.lstrip()
        if stripped.startswith(("%", "!")):
            out.append(ln[: len(ln) - len(stripped)] + "pass")
        else:
            out.append(ln)
    return "\n".join(out) + "\n"


def _block_reference(package):
    """Make ``import cnn_lessons`` give a stub with only no-op check/check_all."""
    import importlib.abc
    import types

    message = (f"graded code must not use the reference implementation in {package}: "
               "write your own (only check and check_all can be imported from it, and they do "
               "nothing while grading)")

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path=None, target=None):  # noqa: ARG002
            if fullname == package or fullname.startswith(package + "."):
                raise ImportError(message, name=fullname)
            return None

    allowed = (package, f"{package}.grading", f"{package}.grading.check")
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]
    for name in allowed:
        stub = types.ModuleType(name, "Stand-in used while grading: check() and check_all() do nothing.")
        stub.check = lambda *args, **kwargs: None
        stub.check_all = lambda *args, **kwargs: None
        stub.__path__ = []

        def __getattr__(attr, _name=name):
            raise ImportError(f"{_name}.{attr}: {message}")

        stub.__getattr__ = __getattr__
        sys.modules[name] = stub
    sys.modules[package].grading = sys.modules[f"{package}.grading"]
    sys.meta_path.insert(0, Blocker())


def zygote(sock_fd, sys_path_json):
    """Fork server: preload numpy once, then fork one runner per request.

    Requests arrive on a SOCK_SEQPACKET socket, one JSON message each, with the
    event pipe's write end attached (SCM_RIGHTS): ``{"id", "manifest", "cwd",
    "env", "uid", "gid"}``. Replies: ``{"id", "pid"}`` after a fork, and
    ``{"exit": pid, "code": returncode}`` when a runner ends (negative for a
    signal, as subprocess reports it). The zygote never runs submitted code;
    only its forked children do, after dropping everything they inherit.
    """
    import select
    import socket

    for p in json.loads(sys_path_json):
        if p not in sys.path:
            sys.path.append(p)
    import numpy  # noqa: F401 - the point of the zygote

    sock = socket.socket(fileno=sock_fd)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *a: None)
    children = set()

    def send(obj):
        try:
            sock.send(json.dumps(obj).encode())
        except OSError:
            os._exit(0)

    while True:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children.clear()
                break
            if pid == 0:
                break
            children.discard(pid)
            send({"exit": pid, "code": os.waitstatus_to_exitcode(status)})
        try:
            ready, _, _ = select.select([sock, wake_r], [], [], 1.0)
        except InterruptedError:
            continue
        if wake_r in ready:
            os.read(wake_r, 4096)
        if sock not in ready:
            continue
        msg, fds, _flags, _addr = socket.recv_fds(sock, 1 << 20, 4)
        if not msg:
            os._exit(0)  # the grader went away
        try:
            req = json.loads(msg)
        except ValueError:
            for fd in fds:
                os.close(fd)
            continue
        if not fds:
            send({"id": req.get("id"), "error": "no event pipe attached"})
            continue
        pid = os.fork()
        if pid == 0:
            try:
                sock.close()
                os.close(wake_r)
                os.close(wake_w)
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                for extra in fds[1:]:
                    os.close(extra)
                os.setsid()
                os.chdir(req["cwd"])
                if req.get("uid") is not None:
                    os.setgroups([])
                    os.setgid(req["gid"])
                    os.setuid(req["uid"])
                os.environ.clear()
                os.environ.update(req["env"])
                null = os.open(os.devnull, os.O_RDWR)
                for target in (0, 1, 2):
                    os.dup2(null, target)
                os.close(null)
                sys.argv = [sys.argv[0], req["manifest"], str(fds[0])]
                main(req["manifest"], fds[0])
            finally:
                os._exit(70)
        for fd in fds:
            os.close(fd)
        children.add(pid)
        send({"id": req.get("id"), "pid": pid})


if __name__ == "__main__":
    if sys.argv[1] == "--zygote":
        zygote(int(sys.argv[2]), sys.argv[3])
    else:
        main(sys.argv[1], int(sys.argv[2]))
