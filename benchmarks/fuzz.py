"""Mutation fuzzer for the Terraform and CloudFormation front ends.

Run it for as long as you like::

    .venv/bin/python benchmarks/fuzz.py --seconds 600 --seed 1
    .venv/bin/python benchmarks/fuzz.py --count 20000

Seeds are the files of ``samples/``, ``tests/bad_inputs/`` and ``tests/corpus/``. Each
input is a seed mutated by byte flips, deletions, duplications, splices with another
seed and insertions of syntax tokens that parsers trip on (``{``, ``${``, ``!Ref``,
``*anchor``...). It is written to a scratch directory and loaded in-process; any
exception (the front ends promise never to raise) is saved under
``benchmarks/out/crashes/`` with its traceback, and the path printed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scanner.limits import Limits  # noqa: E402
from scanner.model import Model  # noqa: E402

TOKENS = (
    b"{", b"}", b"[", b"]", b'"', b"${", b"%{", b"<<EOF\n", b"\nEOF\n", b"!Ref ", b"!GetAtt ",
    b"!Sub ", b"!If ", b"&anchor ", b"*anchor", b"\t", b"\r\n", b"\x00", b"\xff", b": ",
    b"- ", b"=", b"module ", b"count = ", b"for_each = ", b"local.", b"var.", b"#", b"//",
    b"/*", b"*/", b"\\", b"null", b"true", b"Fn::", b"Type: AWS::CloudTrail::Trail\n",
)
SEED_DIRS = ("samples", "tests/bad_inputs", "tests/corpus")


def seeds(kind: str) -> list[bytes]:
    """Terraform seeds are .tf files; CloudFormation seeds are YAML/JSON files."""
    out: list[bytes] = []
    for base in SEED_DIRS:
        for path in sorted((REPO / base).rglob("*")):
            if not path.is_file() or path.is_symlink() or path.stat().st_size > 200_000:
                continue
            name = path.name
            is_tf = name.endswith((".tf", ".tf.json"))
            is_cfn = not is_tf and (
                name.endswith((".yaml", ".yml", ".json", ".template"))
                or "_yaml" in name or "_json" in name
            )
            if (kind == "terraform" and is_tf) or (kind == "cloudformation" and is_cfn):
                out.append(path.read_bytes())
    return out


def mutate(data: bytes, pool: list[bytes], rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:  # byte flip
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:  # delete a run
            del buf[pos:pos + rng.randint(1, 64)]
        elif op == 2 and buf:  # duplicate a run
            start = rng.randrange(len(buf))
            chunk = buf[start:start + rng.randint(1, 256)]
            buf[pos:pos] = chunk
        elif op == 3:  # splice with another seed
            other = rng.choice(pool)
            cut = rng.randint(0, len(other))
            buf = buf[:pos] + bytearray(other[cut:cut + rng.randint(1, 512)])
        else:  # token insertion
            buf[pos:pos] = rng.choice(TOKENS)
    return bytes(buf)


def _run_terraform(directory: Path, data: bytes) -> object:
    from scanner.parsers.terraform import load_terraform

    (directory / "main.tf").write_bytes(data)
    return load_terraform(directory, directory, limits=Limits())


def _run_cloudformation(directory: Path, data: bytes) -> object:
    from scanner.parsers.cloudformation import load_cloudformation, looks_like_template

    path = directory / "template.yaml"
    path.write_bytes(data)
    looks_like_template(data.decode("utf-8", "replace"))
    return load_cloudformation(path, directory, limits=Limits())


FRONT_ENDS: dict[str, Callable[[Path, bytes], object]] = {
    "terraform": _run_terraform,
    "cloudformation": _run_cloudformation,
}


def save_crash(kind: str, data: bytes, error: str) -> Path:
    out = REPO / "benchmarks" / "out" / "crashes"
    out.mkdir(parents=True, exist_ok=True)
    import hashlib

    digest = hashlib.sha256(data).hexdigest()[:16]
    suffix = "tf" if kind == "terraform" else "yaml"
    path = out / f"{kind}-{digest}.{suffix}"
    path.write_bytes(data)
    path.with_suffix(path.suffix + ".txt").write_text(error)
    return path


def fuzz(kind: str, count: int | None, seconds: float | None, rng: random.Random) -> dict:
    pool = seeds(kind)
    run = FRONT_ENDS[kind]
    scratch = Path(tempfile.mkdtemp(prefix=f"trailscan-fuzz-{kind}-"))
    done = crashes = 0
    start = time.perf_counter()
    try:
        while True:
            if count is not None and done >= count:
                break
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
            data = mutate(rng.choice(pool), pool, rng)
            for stale in scratch.iterdir():
                stale.unlink()
            try:
                result = run(scratch, data)
                if result is not None and not isinstance(result, Model):
                    raise TypeError(f"front end returned {type(result).__name__}")
            except Exception:  # noqa: BLE001 - this is exactly what we hunt
                crashes += 1
                path = save_crash(kind, data, traceback.format_exc())
                print(f"CRASH {kind}: {path}", flush=True)
            done += 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    elapsed = time.perf_counter() - start
    return {"front_end": kind, "inputs": done, "seconds": elapsed,
            "per_second": done / elapsed if elapsed else 0.0, "crashes": crashes,
            "seeds": len(pool)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, help="time budget per front end")
    parser.add_argument("--count", type=int, help="inputs per front end")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--front-end", choices=sorted(FRONT_ENDS), action="append")
    args = parser.parse_args(argv)
    if args.seconds is None and args.count is None:
        args.count = 1000
    total_crashes = 0
    for kind in args.front_end or sorted(FRONT_ENDS):
        rng = random.Random(f"{args.seed}-{kind}")
        stats = fuzz(kind, args.count, args.seconds, rng)
        total_crashes += stats["crashes"]
        print(f"{kind}: {stats['inputs']} inputs from {stats['seeds']} seeds in "
              f"{stats['seconds']:.1f}s = {stats['per_second']:.1f} inputs/s, "
              f"{stats['crashes']} crashes", flush=True)
    return 1 if total_crashes else 0


if __name__ == "__main__":
    sys.exit(main())
