"""Speed of the cnn_lessons reference layers, against a plain loop, PyTorch and numpy's GEMM.

A script, not a test::

    python benchmarks/bench_reference.py            # the full table (a few minutes)
    python benchmarks/bench_reference.py --quick    # a seconds-long smoke run
    python benchmarks/bench_reference.py --min      # busy machine: min of more repetitions
    python benchmarks/bench_reference.py --part conv --cases ae   # a subset

For each convolution case, forward and backward, float32 and float64, it
prints the median time of cnn_lessons (with ``--min``, the minimum: on a
loaded machine the load only ever adds time, and PyTorch's and OpenBLAS's
two threads suffer most; cnn_lessons, PyTorch and the GEMM are timed
interleaved, one call of each in turn, so a change of load hits them alike); the speed-up over a plain-loop
version on a small version of the case; PyTorch CPU with the same number of
threads and the ratio cnn_lessons / PyTorch; the achieved GFLOP/s (2 * MACs /
time, twice that for the backward) and its fraction of numpy's own matmul on
a GEMM of the same size (M = C_out/groups, K = C_in/groups * k*k, N =
batch * H_out * W_out, once per group); the peak extra memory (tracemalloc,
which sees numpy's allocations); and whether the targets are met.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import cnn_lessons as cl  # noqa: E402

try:
    from oracles.convolution import conv_nd_loop  # the plain-loop oracle of the tests
except ImportError:  # pragma: no cover
    conv_nd_loop = None

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover
    torch = None

try:
    from threadpoolctl import threadpool_info
except ImportError:  # pragma: no cover
    threadpool_info = None

# name: (N, C_in, H=W, C_out, k, stride, padding, dilation, groups)
CASES = {
    "a": (32, 64, 32, 64, 3, 1, 1, 1, 1),
    "b": (8, 3, 224, 64, 7, 2, 3, 1, 1),
    "c": (64, 128, 16, 128, 3, 1, 1, 1, 1),
    "d": (32, 256, 14, 64, 1, 1, 0, 1, 1),
    "e": (32, 64, 32, 64, 3, 1, 1, 1, 64),
    "f": (32, 64, 32, 64, 3, 1, 2, 2, 1),
}
# Target ratio cnn_lessons / PyTorch, per (dtype, direction); case e has its own.
RATIO_TARGETS = {
    ("float64", "fwd"): (1.0, 2.0),
    ("float64", "bwd"): (1.5, 3.0),
    ("float32", "fwd"): (3.0, 4.0),
    ("float32", "bwd"): (3.0, 4.0),
}
GEMM_TARGETS = {"float32": 0.60, "float64": 0.85}  # forward, cases a and c
MIB = 2**20


def blas_description() -> str:
    """The BLAS numpy uses, with the kernel (architecture) threadpoolctl reports."""
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    env = f"; OPENBLAS_CORETYPE={coretype}" if coretype else "; OPENBLAS_CORETYPE not set"
    if threadpool_info is None:
        return "threadpoolctl not installed" + env
    for lib in threadpool_info():
        if lib.get("user_api") == "blas":
            return (f"{lib.get('internal_api')} {lib.get('version')}, kernel "
                    f"{lib.get('architecture')}, {lib.get('num_threads')} threads, "
                    f"{lib.get('threading_layer')}{env}")
    return "no BLAS found by threadpoolctl" + env


def blas_threads() -> int:
    if threadpool_info is not None:
        for lib in threadpool_info():
            if lib.get("user_api") == "blas":
                return int(lib["num_threads"])
    return os.cpu_count() or 1


STAT = "median"  # or "min" (--min): for a busy machine


def time_interleaved(fns: dict, repeats: int) -> dict:
    """Time each of `fns` `repeats` times, interleaved (one call of each in turn, after one
    warm-up call each), so that a change of machine load hits all of them alike; returns
    the median (or, with --min, the minimum) wall time of each."""
    for fn in fns.values():
        fn()
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            gc.collect()
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    pick = min if STAT == "min" else statistics.median
    return {name: pick(ts) for name, ts in times.items()}


def median_time(fn, repeats: int) -> float:
    """Median wall time of `fn()` over `repeats` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def peak_memory(fn) -> float:
    """Peak memory allocated during `fn()` (bytes), numpy arrays included."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def problem(case, dtype, scale_batch=1.0):
    n, c, size, c_out, k, s, p, d, g = case
    n = max(1, int(n * scale_batch))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c, size, size)).astype(dtype)
    w = (rng.standard_normal((c_out, c // g, k, k)) / np.sqrt(c // g * k * k)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype)
    kw = dict(stride=s, padding=p, dilation=d, groups=g)
    return x, w, b, kw


def loop_speedup(case, repeats, size_small=12):
    """Plain loop vs cnn_lessons on a small version of the case (1 image, <= 4+4 channels, 12x12)."""
    if conv_nd_loop is None:
        return None
    n, c, size, c_out, k, s, p, d, g = case
    g_small = min(g, 4)
    small = (1, max(g_small, min(c, 4)), min(size, size_small), max(g_small, min(c_out, 4)), k, s, p, d, g_small)
    x, w, b, kw = problem(small, np.float64)
    t_loop = median_time(lambda: conv_nd_loop(x, w, b, **kw), max(1, repeats // 3))
    t_vec = median_time(lambda: cl.conv2d(x, w, b, **kw), repeats)
    return t_loop, t_loop / t_vec


def gemm_fn(m: int, k: int, n: int, groups: int, dtype):
    """numpy's matmul on `groups` GEMMs (m x k) @ (k x n), as a function to time."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((groups, m, k)).astype(dtype)
    b = rng.standard_normal((groups, k, n)).astype(dtype)
    out = np.empty((groups, m, n), dtype=dtype)
    return lambda: np.matmul(a, b, out=out)


def torch_fns(x, w, b, kw, gy):
    """PyTorch forward (no grad) and backward (aten.convolution_backward alone), to time."""
    xt, wt, bt, gt = (torch.from_numpy(a) for a in (x, w, b, gy))
    s, p, d, g = kw["stride"], kw["padding"], kw["dilation"], kw["groups"]

    def fwd():
        with torch.no_grad():
            F.conv2d(xt, wt, bt, s, p, d, g)

    def bwd():
        torch.ops.aten.convolution_backward(gt, xt, wt, [w.shape[0]], [s, s], [p, p], [d, d], False,
                                            [0, 0], g, [True, True, True])
    return {"fwd": fwd, "bwd": bwd}


def fmt(value, spec, width):
    return f"{'-':>{width}}" if value is None else f"{value:{spec}}".rjust(width)


def run_convolution(quick: bool, threads: int, cases: str = "".join(CASES)):
    repeats = 1 if quick else (15 if STAT == "min" else 5)
    scale = 1 / 32 if quick else 1.0
    header = (f"{'case':<5}{'dtype':<8}{'dir':<5}{'ours ms':>9}{'loop x':>9}{'torch ms':>9}"
              f"{'ratio':>7}{'GFLOP/s':>9}{'%GEMM':>7}{'peak MB':>9}{'limit MB':>9}  targets")
    print(header)
    print("-" * len(header))
    results = []
    for name, case in CASES.items():
        if name not in cases:
            continue
        n, c, size, c_out, k, s, p, d, g = case
        speed = loop_speedup(case, repeats, 6 if quick else 12)
        for dtype in (np.float32, np.float64):
            dname = np.dtype(dtype).name
            x, w, b, kw = problem(case, dtype, scale)
            y = cl.conv2d(x, w, b, **kw)
            gy = np.random.default_rng(1).standard_normal(y.shape).astype(dtype)
            ho, wo = y.shape[2:]
            macs = x.shape[0] * c_out * ho * wo * (c // g) * k * k
            fwd = lambda: cl.conv2d(x, w, b, **kw)  # noqa: E731
            bwd = lambda: cl.conv2d_backward(gy, x, w, b, **kw)  # noqa: E731
            fns = {"fwd": fwd, "bwd": bwd, "gemm": gemm_fn(c_out // g, c // g * k * k,
                                                           x.shape[0] * ho * wo, g, dtype)}
            if torch:
                fns.update({"torch " + d: f for d, f in torch_fns(x, w, b, kw, gy).items()})
            t = time_interleaved(fns, repeats)
            gemm_flops = 2 * macs / t["gemm"]
            t_ours = {"fwd": t["fwd"], "bwd": t["bwd"]}
            peak = {"fwd": peak_memory(fwd), "bwd": peak_memory(bwd)}
            t_torch = {"fwd": t["torch fwd"], "bwd": t["torch bwd"]} if torch else None
            limit = 2 * y.nbytes + 16 * MIB if name == "b" else 2**30
            for direction in ("fwd", "bwd"):
                flops = (2 if direction == "fwd" else 4) * macs
                gflops = flops / t_ours[direction] / 1e9
                frac = (flops / t_ours[direction]) / (gemm_flops * (1 if direction == "fwd" else 2))
                ratio = t_ours[direction] / t_torch[direction] if torch else None
                notes, ok = [], True
                if ratio is not None:
                    limit_ratio = RATIO_TARGETS[(dname, direction)][1 if name == "e" else 0]
                    met = ratio <= limit_ratio
                    ok &= met
                    notes.append(f"ratio<={limit_ratio:g} {'met' if met else 'MISSED'}")
                if direction == "fwd" and name in "ac":
                    met = frac >= GEMM_TARGETS[dname]
                    ok &= met
                    notes.append(f"GEMM>={GEMM_TARGETS[dname]:.0%} {'met' if met else 'MISSED'}")
                met = peak[direction] < limit
                ok &= met
                notes.append(f"mem {'met' if met else 'MISSED'}")
                loop = f"{speed[1]:.0f}" if speed and direction == "fwd" else None
                print(f"{name:<5}{dname:<8}{direction:<5}{t_ours[direction] * 1e3:9.1f}"
                      f"{loop if loop else '-':>9}"
                      f"{fmt(t_torch[direction] * 1e3 if torch else None, '.1f', 9)}"
                      f"{fmt(ratio, '.2f', 7)}{gflops:9.1f}{frac:7.0%}"
                      f"{peak[direction] / MIB:9.1f}{limit / MIB:9.0f}  {', '.join(notes)}",
                      flush=True)
                results.append(ok)
    print("\nloop x: speed-up of cnn_lessons over the plain-loop oracle (tests/oracles/convolution.py) "
          "on a small version of the case (1 image, <= 4 channels, 12x12), float64.")
    print("%GEMM: fraction of numpy's matmul speed on GEMMs of the same size (backward: two of them).")
    print(f"targets met on {sum(results)} of {len(results)} lines")


def run_pooling(quick: bool):
    """Pooling forward and backward against PyTorch, and the two together.

    Max-pool backward is timed twice: ``bwd`` with the indices of a forward
    call (``return_indices=True``, then ``indices=``), which is what PyTorch's
    ``aten.max_pool2d_with_indices_backward`` is given, so the comparison is
    fair; ``bwd*`` with ``indices=None`` (the argmax recomputed). ``f+b`` is
    forward plus backward as a training step runs them: for max pooling the
    forward with indices plus the backward given them, on both sides; the
    target is ``f+b`` within 2x of PyTorch and ``fwd`` no slower.
    """
    names = ("max_pool2d", "avg_pool2d", "max_pool2d_backward", "avg_pool2d_backward")
    if not all(hasattr(cl, n) for n in names):
        print("pooling not available")
        return
    repeats = 1 if quick else (25 if STAT == "min" else 7)
    n = 2 if quick else 32
    print(f"input ({n}, 64, 32, 32)")
    print(f"{'op':<12}{'window':<14}{'dtype':<8}{'dir':<6}{'ours ms':>9}{'torch ms':>9}{'ratio':>7}"
          f"{'peak MB':>9}  targets")
    results = []
    for op in ("max", "avg"):
        fwd_fn, bwd_fn = getattr(cl, f"{op}_pool2d"), getattr(cl, f"{op}_pool2d_backward")
        for k, s, p in ((2, 2, 0), (3, 2, 1)):
            for dtype in (np.float32, np.float64):
                x = np.random.default_rng(0).standard_normal((n, 64, 32, 32)).astype(dtype)
                kw = dict(stride=s, padding=p)
                y = fwd_fn(x, k, **kw)
                gy = np.ones_like(y)
                fns = {"fwd": lambda: fwd_fn(x, k, **kw)}
                if op == "max":
                    _, idx = fwd_fn(x, k, return_indices=True, **kw)
                    fns["fwd+i"] = lambda: fwd_fn(x, k, return_indices=True, **kw)
                    fns["bwd"] = lambda: bwd_fn(gy, x, k, indices=idx, **kw)
                    fns["bwd*"] = lambda: bwd_fn(gy, x, k, **kw)
                else:
                    fns["bwd"] = lambda: bwd_fn(gy, x, k, **kw)
                peak = {d: peak_memory(f) for d, f in fns.items()}
                peak["f+b"] = None
                tfns = {}
                if torch is not None:
                    tf = getattr(F, f"{op}_pool2d")
                    xt = torch.from_numpy(x)
                    gt = torch.from_numpy(gy)

                    def torch_fwd(xt=xt, tf=tf, k=k, s=s, p=p):
                        with torch.no_grad():
                            tf(xt, k, s, p)
                    tfns["fwd"] = torch_fwd
                    if op == "max":
                        tfns["fwd+i"] = lambda: torch.ops.aten.max_pool2d_with_indices(  # noqa: E731
                            xt, [k, k], [s, s], [p, p])
                        _, tidx = torch.ops.aten.max_pool2d_with_indices(xt, [k, k], [s, s], [p, p])
                        tfns["bwd"] = lambda: torch.ops.aten.max_pool2d_with_indices_backward(  # noqa: E731
                            gt, xt, [k, k], [s, s], [p, p], [1, 1], False, tidx)
                    else:
                        tfns["bwd"] = lambda: torch.ops.aten.avg_pool2d_backward(  # noqa: E731
                            gt, xt, [k, k], [s, s], [p, p], False, True, None)
                both = time_interleaved({**fns, **{"torch " + d: f for d, f in tfns.items()}}, repeats)
                t = {d: both[d] for d in fns}
                t["f+b"] = t.get("fwd+i", t["fwd"]) + t["bwd"]
                tt = {d: both["torch " + d] for d in tfns}
                if tt:
                    if op == "max":
                        tt["bwd*"] = tt["bwd"]
                    tt["f+b"] = tt.get("fwd+i", tt["fwd"]) + tt["bwd"]
                for direction in t:
                    ratio = t[direction] / tt[direction] if tt else None
                    notes = []
                    if ratio is not None and direction in ("fwd", "f+b"):
                        limit = 1.0 if direction == "fwd" else 2.0
                        met = ratio <= limit
                        results.append(met)
                        notes.append(f"ratio<={limit:g} {'met' if met else 'MISSED'}")
                    print(f"{op:<12}{f'{k}x{k}/{s} pad {p}':<14}{np.dtype(dtype).name:<8}{direction:<6}"
                          f"{t[direction] * 1e3:9.2f}{fmt(tt[direction] * 1e3 if tt else None, '.2f', 9)}"
                          f"{fmt(ratio, '.2f', 7)}"
                          f"{fmt(None if peak[direction] is None else peak[direction] / MIB, '.1f', 9)}"
                          f"  {', '.join(notes)}", flush=True)
    print("fwd: values only (torch: F.max_pool2d / F.avg_pool2d, no grad); fwd+i: max pooling with "
          "indices (torch: aten.max_pool2d_with_indices).")
    print("bwd: ours given the forward's indices (max) / avg backward; torch: "
          "aten.max_pool2d_with_indices_backward (given its indices) / aten.avg_pool2d_backward.")
    print("bwd*: ours recomputing the argmax (indices=None), against the same torch time (which is "
          "given indices).")
    print("f+b: forward (with indices, for max) + backward, both sides; target within 2x.")
    if results:
        print(f"pooling targets met on {sum(results)} of {len(results)} lines")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small batches, 2 repeats: a smoke run")
    parser.add_argument("--part", choices=("all", "conv", "pool"), default="all",
                        help="run only the convolution or only the pooling table")
    parser.add_argument("--cases", default="".join(CASES),
                        help="convolution cases to run, e.g. 'ace' (default: all)")
    parser.add_argument("--min", action="store_true",
                        help="report the minimum of more repetitions instead of the median "
                             "(for a busy machine: the load only ever adds time)")
    args = parser.parse_args(argv)
    global STAT
    STAT = "min" if args.min else "median"
    threads = blas_threads()
    if torch is not None:
        torch.set_num_threads(threads)
    print(f"numpy {np.__version__}; BLAS: {blas_description()}")
    print(f"torch {torch.__version__ if torch else 'not installed'}"
          f"{f', {torch.get_num_threads()} threads' if torch else ''}; "
          f"{os.cpu_count()} CPUs; {'QUICK run (batch / 32, pooling batch 2, 1 repeat)' if args.quick else 'full run'}; "
          f"statistic: {STAT} (ours, PyTorch and the GEMM timed interleaved); "
          f"load average {os.getloadavg()[0]:.2f}\n")
    print("== convolution (NCHW, weight (C_out, C_in/groups, k, k)) ==")
    for name, (n, c, size, c_out, k, s, p, d, g) in CASES.items():
        print(f"  {name}: N={n} C={c} {size}x{size} C_out={c_out} k={k} stride={s} pad={p} "
              f"dilation={d} groups={g}")
    print()
    if args.part in ("all", "conv"):
        run_convolution(args.quick, threads, args.cases)
    if args.part == "conv":
        return
    print("\n== pooling ==")
    try:
        run_pooling(args.quick)
    except Exception as exc:  # the pooling module is someone else's; report, do not crash
        print(f"pooling failed: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
