#!/usr/bin/env python3
"""Write the Terraform plan JSON files trailscan's tests read, with Terraform itself.

Each root in ``PLANS`` is copied to a temporary directory and planned there, offline:

* ``terraform init -backend=false -plugin-dir=<mirror>`` installs the AWS provider from a
  local mirror (``TRAILSCAN_TF_PLUGINS``, default ``/opt/tf-plugins``);
* a provider override file (``trailscan_override.tf``, merged by Terraform into the root's
  own ``provider "aws"`` block, or a plain provider block when the root has none) turns off
  every credential and metadata lookup, and fake credentials come from the environment;
* ``data "aws_caller_identity"`` asks STS, so a tiny fake STS on 127.0.0.1 answers
  GetCallerIdentity with account 123456789012 (``AWS_ENDPOINT_URL_STS``);
* ``terraform plan -refresh=false -out`` then ``terraform show -json``.

The plan is written where ``PLANS`` says, with two normalisations so that regenerating
gives the same bytes: ``timestamp`` (the time the plan was made) is fixed, and the entries
of ``relevant_attributes`` (which Terraform lists in map order, differently from run to
run) are sorted, each entry kept byte for byte. Nothing else is touched: the file is what
Terraform wrote. ``tests/test_plan_regeneration.py`` re-runs this script
and compares.

Usage: ``python scripts/make_plans.py [--check] [--out DIR] [NAME ...]`` (default: all).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("TRAILSCAN_TF_PLUGINS", "/opt/tf-plugins"))
ACCOUNT = "123456789012"
FIXED_TIMESTAMP = "2000-01-01T00:00:00Z"
_TIMESTAMP = re.compile(r'"timestamp":"[^"]*"')
_PROVIDER_AWS = re.compile(r'^\s*provider\s+"?aws"?\s*\{', re.MULTILINE)

SKIP_FLAGS = """  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
"""


@dataclass(frozen=True)
class Plan:
    name: str
    root: str  # the root module directory, relative to the repository
    out: str  # where the plan JSON goes, relative to the repository


PLANS: tuple[Plan, ...] = (
    # The sample: the plan sits in its root directory and replaces it in a scan.
    Plan("plan-json", "samples/terraform/plan-json", "samples/terraform/plan-json/plan.json"),
    # Roots of samples/ and tests/corpus/ compared with their plans (test_plan_differential).
    Plan("secure-baseline", "samples/terraform/secure-baseline", "tests/plans/secure-baseline.json"),
    Plan("insecure", "samples/terraform/insecure", "tests/plans/insecure.json"),
    Plan("registry-module", "samples/terraform/registry-module", "tests/plans/registry-module.json"),
    # Shapes the plan front end must read (tests/plan/).
    Plan("edge", "tests/plan_roots/edge", "tests/plans/edge.json"),
    Plan("literal", "tests/plan_roots/literal", "tests/plans/literal.json"),
    # Per-policy samples whose verdicts hang on links, dependencies and policy documents.
    *(
        Plan(f"{policy}-{case}", f"samples/terraform/{policy}/{case}", f"tests/plans/{policy}-{case}.json")
        for policy, case in (
            ("CT011", "fail"),
            ("CT101", "fail-deny"),
            ("CT103", "fail"),
            ("CT201", "fail"),
            ("CT303", "fail-permissions"),
            ("CT407", "pass-eventbridge"),
            ("CT410", "fail"),
        )
    ),
)


def missing_tools() -> str:
    """Why plans cannot be made here ('' when they can)."""
    if shutil.which("terraform") is None:
        return "the terraform binary is not on PATH"
    if not (MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        return f"no hashicorp/aws provider mirror at {MIRROR} (set TRAILSCAN_TF_PLUGINS)"
    return ""


class _FakeSts(http.server.BaseHTTPRequestHandler):
    """GetCallerIdentity, and nothing else: every request gets the same identity."""

    BODY = (
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/plan</Arn>"
        f"<UserId>AIDAPLANPLANPLANPLAN</UserId><Account>{ACCOUNT}</Account>"
        "</GetCallerIdentityResult><ResponseMetadata>"
        "<RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
        "</ResponseMetadata></GetCallerIdentityResponse>"
    ).encode()

    def do_POST(self) -> None:  # noqa: N802 - http.server's spelling
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@contextmanager
def fake_sts() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeSts)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _not_config(directory: str, names: list[str]) -> set[str]:
    """What ``copytree`` leaves behind: plans, state, lock files and installed providers
    (installed modules stay: they are part of what the plan is made from)."""
    here = Path(directory)
    return {
        n for n in names
        if (n.endswith(".json") and not n.endswith(".tf.json") and n != "modules.json")
        or n.endswith((".tfstate", ".tfstate.backup", ".lock.hcl"))
        or (n == "providers" and here.name == ".terraform")
    }


def _override(work: Path) -> None:
    """Turn off credential and metadata lookups without touching the root's own files."""
    texts = [p.read_text(encoding="utf-8") for p in work.glob("*.tf")]
    if any(_PROVIDER_AWS.search(t) for t in texts):
        (work / "trailscan_override.tf").write_text(f'provider "aws" {{\n{SKIP_FLAGS}}}\n')
    else:
        (work / "trailscan_provider.tf").write_text(
            f'provider "aws" {{\n  region = "us-east-1"\n{SKIP_FLAGS}}}\n'
        )


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def make_plan(plan: Plan, sts: str) -> str:
    """The normalised ``terraform show -json`` text of ``plan``'s root."""
    with tempfile.TemporaryDirectory(prefix=f"trailscan-plan-{plan.name}-") as tmp:
        work = Path(tmp) / "root"
        shutil.copytree(REPO / plan.root, work, symlinks=True, ignore=_not_config)
        _override(work)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))},
            "AWS_ACCESS_KEY_ID": "AKIAPLANPLANPLANPLAN",
            "AWS_SECRET_ACCESS_KEY": "fake-secret-for-offline-plans",
            "AWS_ENDPOINT_URL_STS": sts,
            "AWS_EC2_METADATA_DISABLED": "true",
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
            "TF_CLI_CONFIG_FILE": os.devnull,
        }
        if (REPO / plan.root / ".terraform" / "modules" / "modules.json").is_file():
            # Installed modules come with the root: init must not try to fetch them.
            init = ["terraform", "init", "-backend=false", "-get=false", "-input=false",
                    f"-plugin-dir={MIRROR}"]
        else:
            init = ["terraform", "init", "-backend=false", "-input=false", f"-plugin-dir={MIRROR}"]
        _run(init, work, env)
        _run(["terraform", "plan", "-refresh=false", "-input=false", "-lock=false",
              "-no-color", "-out=plan.out"], work, env)
        text = _run(["terraform", "show", "-json", "plan.out"], work, env)
    text = _TIMESTAMP.sub(f'"timestamp":"{FIXED_TIMESTAMP}"', text.strip())
    return _sort_array(text, "relevant_attributes") + "\n"


def _sort_array(text: str, key: str) -> str:
    """``text`` with the items of its ``"key":[...]`` array in a stable order, each item's
    bytes unchanged."""
    marker = f'"{key}":['
    start = text.find(marker)
    if start < 0:
        return text
    decoder = json.JSONDecoder()
    pos = start + len(marker)
    items: list[tuple[str, str]] = []
    while text[pos] != "]":
        value, end = decoder.raw_decode(text, pos)
        items.append((json.dumps(value, sort_keys=True), text[pos:end]))
        pos = end + 1 if text[end] == "," else end
    body = ",".join(raw for _, raw in sorted(items))
    return text[: start + len(marker)] + body + text[pos:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="plans to make (default: all)")
    parser.add_argument("--out", type=Path, help="write into DIR/<name>.json instead of the repository")
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed plans instead of writing them")
    args = parser.parse_args(argv)
    why = missing_tools()
    if why:
        print(f"cannot make plans: {why}", file=sys.stderr)
        return 2
    wanted = [p for p in PLANS if not args.names or p.name in args.names]
    unknown = set(args.names) - {p.name for p in PLANS}
    if unknown:
        print(f"unknown plan name(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    differ = []
    with fake_sts() as sts, ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        texts = list(pool.map(lambda plan: make_plan(plan, sts), wanted))
        for plan, text in zip(wanted, texts, strict=True):
            target = (args.out / f"{plan.name}.json") if args.out else REPO / plan.out
            if args.check:
                if not target.is_file() or target.read_text(encoding="utf-8") != text:
                    differ.append(plan.out)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(REPO) if not args.out else target}")
    if differ:
        print("plans differ from what terraform writes now: " + ", ".join(differ), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
