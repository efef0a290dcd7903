"""The hostile-input corpus as code: one builder per case.

Small cases are committed files next to this module (so a reader can open them); large,
binary or file-system cases (50 MB files, invalid encodings, symlink loops, unreadable
files) are generated into a temporary directory at test time, because committing them
would bloat the repository or be mangled by editors and ``core.autocrlf``.

Every builder writes its case under ``<root>/bad/`` (and, for the escape cases, a
decoy under ``<root>/../outside/``) and returns nothing; ``Case.expect`` says what the
scan must report. ``README.md`` in this directory is the human-readable table.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

# A trail that fails CT008 and nothing parse-related: the decoy that must never appear.
# The first line of each decoy is what a leaking snippet would show: no report may hold it.
DECOY_MARK = "outside decoy: never shown"
OUTSIDE_TRAIL_TF = f"""# {DECOY_MARK}
resource "aws_cloudtrail" "outside_secret" {{
  name           = "outside-secret"
  s3_bucket_name = "outside-logs"
}}
"""
OUTSIDE_TRAIL_YAML = f"""# {DECOY_MARK}
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OutsideSecret:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: outside-logs
      IsLogging: true
"""
FIFTY_MB = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Expected:
    """One CT901 the scan must report: path relative to the scan root, line (None when
    the problem has no line, e.g. a size limit) and a fragment of the message."""

    path: str
    line: int | None
    fragment: str


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    what: str
    build: Callable[[Path], None]
    expect: tuple[Expected, ...] = ()
    # No CT901 for anything under bad/ (the input must parse, e.g. CRLF).
    clean: bool = False
    # Files under bad/ that must be listed as scanned (parsed fine).
    scanned: tuple[str, ...] = ()
    needs_non_root: bool = False
    needs_symlinks: bool = False
    needs_posix_names: bool = False  # control characters in a file name
    # The JSON report must stay below this many bytes (findings capped, not repeated).
    max_report_bytes: int | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)


def _bad(root: Path) -> Path:
    bad = root / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    return bad


def _copy(name: str, target: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        dest = _bad(root) / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(HERE / name, dest)

    return build


def _copies(*pairs: tuple[str, str]) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        for name, target in pairs:
            _copy(name, target)(root)

    return build


def _write_bytes(target: str, data: bytes) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        dest = _bad(root) / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)

    return build


_TRAIL_TF = (
    'resource "aws_cloudtrail" "enc" {\n'
    '  name                       = "enc"\n'
    '  s3_bucket_name             = "audit-logs"\n'
    "  enable_log_file_validation = true\n"
    "}\n"
)


def _big_tf(root: Path) -> None:
    """A 50 MB .tf file: a valid header, then comment padding (cheap to write)."""
    dest = _bad(root) / "big" / "main.tf"
    dest.parent.mkdir(parents=True)
    line = b"# " + b"x" * 1021 + b"\n"
    with dest.open("wb") as out:
        out.write(_TRAIL_TF.encode())
        for _ in range(FIFTY_MB // len(line) + 1):
            out.write(line)


def _big_yaml(root: Path) -> None:
    dest = _bad(root) / "big.template.yaml"
    line = b"# " + b"x" * 1021 + b"\n"
    with dest.open("wb") as out:
        out.write(b'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n')
        for _ in range(FIFTY_MB // len(line) + 1):
            out.write(line)


def _deep_hcl(root: Path) -> None:
    depth = 10_000
    text = "locals {\n  deep = " + "[" * depth + "1" + "]" * depth + "\n}\n" + _TRAIL_TF.replace(
        "  name ", "  s3_key_prefix = jsonencode(local.deep)\n  name "
    )
    dest = _bad(root) / "deep" / "main.tf"
    dest.parent.mkdir(parents=True)
    dest.write_text(text)


def _deep_hcl_blocks(root: Path) -> None:
    depth = 10_000
    text = "".join(f"b{i} {{\n" for i in range(depth)) + "}\n" * depth
    dest = _bad(root) / "deepblocks" / "main.tf"
    dest.parent.mkdir(parents=True)
    dest.write_text(text)


def _deep_yaml(root: Path) -> None:
    depth = 10_000
    text = (
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
        "      Tags: " + "[" * depth + "]" * depth + "\n"
    )
    (_bad(root) / "deep.yaml").write_text(text)


def _deep_json(root: Path) -> None:
    depth = 10_000
    text = (
        '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Trail": '
        '{"Type": "AWS::CloudTrail::Trail", "Properties": {"Tags": '
        + "[" * depth + "]" * depth + "}}}}\n"
    )
    (_bad(root) / "deep.json").write_text(text)


def _long_list(root: Path) -> None:
    items = "".join(f"        - Key: k{i}\n          Value: v{i}\n" for i in range(100_000))
    text = (
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
        "      S3BucketName: audit-logs\n      IsLogging: true\n"
        "      EnableLogFileValidation: true\n      Tags:\n" + items
    )
    (_bad(root) / "long_list.yaml").write_text(text)


def _plan_head() -> str:
    return '{"format_version":"1.2","terraform_version":"1.11.4","planned_values":'


def _truncated_plan(root: Path) -> None:
    """A plan cut off mid-way (a failed upload, a full disk): the head says plan."""
    whole = (HERE.parent / "plans" / "edge.json").read_text()
    (_bad(root) / "truncated.json").write_text(whole[:5000])


def _deep_plan(root: Path) -> None:
    depth = 10_000
    (_bad(root) / "deep_plan.json").write_text(_plan_head() + "[" * depth + "]" * depth + "}\n")


def _installed_module_escape(root: Path) -> None:
    """A module manifest whose Dir leaves the scan root (a decoy trail there)."""
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "main.tf").write_text(OUTSIDE_TRAIL_TF)
    bad = _bad(root) / "installed"
    (bad / ".terraform" / "modules").mkdir(parents=True)
    (bad / "main.tf").write_text('module "trail" {\n  source = "acme/trail/aws"\n}\n')
    (bad / ".terraform" / "modules" / "modules.json").write_text(
        '{"Modules":[{"Key":"","Source":"","Dir":"."},'
        '{"Key":"trail","Source":"registry.terraform.io/acme/trail/aws","Dir":"../../../outside"}]}'
    )


def _cyclic_modules(root: Path) -> None:
    bad = _bad(root)
    for name in ("a", "b"):
        (bad / name).mkdir()
        shutil.copyfile(HERE / f"tf_cyclic_module_{name}.tf", bad / name / "main.tf")


def _outside_module(root: Path) -> None:
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "main.tf").write_text(OUTSIDE_TRAIL_TF)
    # bad/../../outside is <root>/../outside: exactly one level above the scan root.
    shutil.copyfile(HERE / "tf_module_outside_root.tf", _bad(root) / "main.tf")


def _symlink_loop(root: Path) -> None:
    bad = _bad(root)
    (bad / "loop").mkdir()
    os.symlink("..", bad / "loop" / "up")  # a directory loop
    os.symlink("self.tf", bad / "self.tf")  # a file that links to itself
    os.symlink("ping.yaml", bad / "pong.yaml")
    os.symlink("pong.yaml", bad / "ping.yaml")


def _symlink_escape(root: Path) -> None:
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "trail.yaml").write_text(OUTSIDE_TRAIL_YAML)
    (outside / "tf").mkdir(exist_ok=True)
    (outside / "tf" / "main.tf").write_text(OUTSIDE_TRAIL_TF)
    bad = _bad(root)
    os.symlink(outside / "trail.yaml", bad / "escape.yaml")
    os.symlink(outside / "tf", bad / "escape_dir")
    (bad / "tfdir").mkdir()
    os.symlink(outside / "tf" / "main.tf", bad / "tfdir" / "main.tf")
    # A real file next to the link makes tfdir a Terraform unit: the link must still be
    # refused by the Terraform loader, not only by discovery.
    (bad / "tfdir" / "versions.tf").write_text('terraform {\n  required_version = ">= 1.0"\n}\n')


def _unreadable(root: Path) -> None:
    bad = _bad(root)
    (bad / "locked").mkdir()
    tf = bad / "locked" / "main.tf"
    tf.write_text(_TRAIL_TF)
    tf.chmod(0)
    yaml = bad / "locked.yaml"
    yaml.write_text(OUTSIDE_TRAIL_YAML)
    yaml.chmod(0)


def _dirs_named_like_files(root: Path) -> None:
    bad = _bad(root)
    (bad / "main.tf").mkdir()
    (bad / "template.yaml").mkdir()
    (bad / "template.yaml" / "README").write_text("a directory, not a template\n")


def _comment_module_source(root: Path) -> None:
    """A root whose comments, strings and heredoc mention a call of ``../callee``: the
    callee is not called, so it is a root of its own and must be scanned."""
    bad = _bad(root)
    (bad / "root").mkdir()
    (bad / "callee").mkdir()
    shutil.copyfile(HERE / "tf_comment_module_source.tf", bad / "root" / "main.tf")
    (bad / "callee" / "main.tf").write_text(_TRAIL_TF)


def _templateurl_in_description(root: Path) -> None:
    bad = _bad(root)
    shutil.copyfile(HERE / "cfn_templateurl_in_description.yaml", bad / "parent.yaml")
    (bad / "prod.yaml").write_text(_CRLF_YAML.replace("\r\n", "\n").replace("CrlfTrail", "ProdTrail"))


def _nested_cycle(root: Path) -> None:
    bad = _bad(root)
    shutil.copyfile(HERE / "cfn_nested_cycle_a.yaml", bad / "cycle_a.yaml")
    shutil.copyfile(HERE / "cfn_nested_cycle_b.yaml", bad / "cycle_b.yaml")


def _eleven_mb_yaml(root: Path) -> None:
    """11 MB named plain ``.yaml``: too large to read, so nobody can say it is not a
    template (it is one)."""
    dest = _bad(root) / "big.yaml"
    line = b"# " + b"x" * 1021 + b"\n"
    with dest.open("wb") as out:
        out.write(OUTSIDE_TRAIL_YAML.encode())
        for _ in range(11 * 1024):
            out.write(line)


def _fifo(root: Path) -> None:
    """FIFOs named like our files: opening one would block the scan forever."""
    bad = _bad(root)
    os.mkfifo(bad / "pipe.tf")
    os.mkfifo(bad / "pipe.yaml")


def _gitignore_redos(root: Path) -> None:
    """A .gitignore whose patterns a backtracking matcher takes minutes over (pathspec:
    11 s for an 80-character name), next to a 250-character file name."""
    bad = _bad(root)
    (bad / ".gitignore").write_text("*a*a*a*a*a*a*a*a*a*a*a*a*b\n**/a*a*a*a*a*a*a*a*a*a*a*c/**\n")
    (bad / ("a" * 240 + ".yaml")).write_text(OUTSIDE_TRAIL_YAML.replace("OutsideSecret", "LongName"))


_CRLF_TF = _TRAIL_TF.replace("\n", "\r\n").encode()
_CRLF_YAML = OUTSIDE_TRAIL_YAML.replace("outside-logs", "crlf-logs").replace(
    "OutsideSecret", "CrlfTrail"
).replace("IsLogging: true\n", "IsLogging: true\n      EnableLogFileValidation: true\n")


def _tf(name: str, data: bytes) -> Callable[[Path], None]:
    return _write_bytes(f"{name}/main.tf", data)


def iam_wildcards_template(stars: int = 3_000, prefix: int = 10_000) -> str:
    """A bucket policy whose Resource is ``a*`` 3,000 times and a trail whose key prefix is
    10,000 characters: the delivery check asks whether tokens could make them match, which
    the old pairwise search answered by visiting 30 million (i, j) pairs."""
    return f"""AWSTemplateFormatVersion: "2010-09-09"
Resources:
  WildBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: wild-trail-logs
  WildBucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref WildBucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: cloudtrail.amazonaws.com
            Action: s3:PutObject
            Resource: "arn:aws:s3:::wild-trail-logs/{"a*" * stars}Z"
  WildTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: wild
      S3BucketName: !Ref WildBucket
      S3KeyPrefix: {"a" * prefix}
      IsLogging: true
      EnableLogFileValidation: true
"""


def _iam_wildcards(root: Path) -> None:
    (_bad(root) / "iam_wildcards.yaml").write_text(iam_wildcards_template())


# ---------------------------------------------------------------------------
# The evaluation budget (CloudFormation): inputs of a few kilobytes or megabytes whose
# values would take gigabytes or 2^40 steps. Each generator states the line the CT901 is
# expected at, computed from what it writes.
# ---------------------------------------------------------------------------

_BUDGET_HEAD = (
    'AWSTemplateFormatVersion: "2010-09-09"\n'
    "Resources:\n"
    "  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
    "      S3BucketName: !Ref Logs\n      IsLogging: true\n"
    "      EnableLogFileValidation: false\n"
    "  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: audit-logs\n"
)
_BUDGET_HEAD_LINES = _BUDGET_HEAD.count("\n")

# A 1,000,000-character parameter Default joined 5,000 times into a bucket name: 5 GB
# handed out. Each reuse is charged whole; max_string_bytes (64 MiB) is crossed at the
# 68th reuse, i.e. the 69th reference (the other strings of the unit are far below 1 MB),
# so the join is never built. (Referenced from a bucket policy instead, the 64 MiB that fit
# the budget reach the IAM analysis, which walks them character by character: minutes.)
PARAM_BYTES = 1_000_000
PARAM_REFS = 5_000
PARAM_REF_LINE = _BUDGET_HEAD_LINES + 4 + 7 + 69  # parameter, bucket lines, 69th item


def param_repeated_template() -> str:
    head = _BUDGET_HEAD.replace(
        "Resources:\n",
        "Parameters:\n  Big:\n    Type: String\n    Default: " + "p" * PARAM_BYTES + "\n"
        "Resources:\n",
    )
    joined = (
        "  Joined:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName:\n"
        "        Fn::Join:\n          - \"\"\n          -\n"
    )
    return head + joined + "            - !Ref Big\n" * PARAM_REFS


def _param_repeated(root: Path) -> None:
    (_bad(root) / "param_repeated.yaml").write_text(param_repeated_template())


def param_in_policy_template() -> str:
    """The same 1 MB parameter named 60 times in a bucket policy's Resource list: 60 MB
    fits the budget, so it reaches the policy reader, which refuses a document larger
    than any AWS policy (32 KiB) instead of matching 60 MB character by character."""
    head = _BUDGET_HEAD.replace(
        "Resources:\n",
        "Parameters:\n  Big:\n    Type: String\n    Default: " + "p" * PARAM_BYTES + "\n"
        "Resources:\n",
    )
    policy = (
        "  LogsPolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n"
        "      Bucket: !Ref Logs\n      PolicyDocument:\n        Statement:\n"
        "          - Effect: Allow\n            Principal: {Service: cloudtrail.amazonaws.com}\n"
        "            Action: s3:PutObject\n            Resource:\n"
    )
    return head + policy + "              - !Ref Big\n" * 60


def _param_in_policy(root: Path) -> None:
    (_bad(root) / "param_in_policy.yaml").write_text(param_in_policy_template())


# 900 aliases of a 4 MiB scalar: 3.6 GiB to whoever reads the document. The 16th alias
# crosses max_string_bytes (16 x (4 MiB + 1) > 64 MiB); the decoder refuses the document.
ALIAS_SCALAR_BYTES = 4 * 1024 * 1024
ALIAS_LINE = _BUDGET_HEAD_LINES + 3 + 16


def alias_bomb_template(aliases: int = 900, scalar: int = ALIAS_SCALAR_BYTES) -> str:
    return (_BUDGET_HEAD + "Metadata:\n  Notes:\n    - &big " + "q" * scalar + "\n"
            + "    - *big\n" * aliases)


def _alias_bomb(root: Path) -> None:
    (_bad(root) / "alias_bomb.yaml").write_text(alias_bomb_template())


# A parent nesting the same 1,000-resource child 25 times: 25,025 instances. The unit
# takes 19 children (2 + 25 + 19 x 1,001 <= 20,000, max_unit_instances); the other six
# nested stacks are each a CT901 at their TemplateURL, and are not loaded.
FANOUT_STACKS = 25
FANOUT_CHILD_RESOURCES = 1_000
FANOUT_FIRST_REFUSED = 19


def fanout_url_line(index: int) -> int:
    return _BUDGET_HEAD_LINES + 4 * index + 4


def _nested_fanout(root: Path) -> None:
    bad = _bad(root)
    child = ['AWSTemplateFormatVersion: "2010-09-09"\nResources:\n']
    child.extend(f"  B{i}:\n    Type: AWS::S3::Bucket\n" for i in range(FANOUT_CHILD_RESOURCES))
    (bad / "fanout_child.yaml").write_text("".join(child))
    parent = [_BUDGET_HEAD]
    parent.extend(f"  Stack{i}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
                  "      TemplateURL: ./fanout_child.yaml\n" for i in range(FANOUT_STACKS))
    (bad / "fanout.yaml").write_text("".join(parent))


# Fn::If nested 15 deep, both branches equal and the condition unknown (a parameter
# without a value): 885 KB. Comparing the branches and then resolving the chosen one again
# cost 3^15 resolutions and ran into max_values; each branch is now resolved once.
IF_DEPTH = 15


def nested_if_template(depth: int = IF_DEPTH) -> str:
    expr = "abcdefgh"
    for _ in range(depth):
        expr = f"{{'Fn::If': [Unknown, {expr}, {expr}]}}"
    return (_BUDGET_HEAD.replace("Resources:\n", "Parameters:\n  Env:\n    Type: String\n"
                                 "Conditions:\n  Unknown: !Equals [!Ref Env, prod]\nResources:\n")
            .replace("BucketName: audit-logs", "BucketName: " + expr))


def _nested_if(root: Path) -> None:
    (_bad(root) / "nested_if.yaml").write_text(nested_if_template())


# An EventPattern and a PolicyDocument written as JSON strings nested 100,000 deep: the
# JSON decoder runs out of stack. Each is a CT901 at its property (the whole template used
# to be lost with "expressions nest too deeply"); the trail is checked.
DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_POLICY_LINE = _BUDGET_HEAD_LINES + 5
DEEP_PATTERN_LINE = _BUDGET_HEAD_LINES + 9


def _deep_json_strings(root: Path) -> None:
    (_bad(root) / "deep_strings.yaml").write_text(
        _BUDGET_HEAD
        + "  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Logs\n"
        + f"      PolicyDocument: '{DEEP_JSON}'\n"
        + "  Rule:\n    Type: AWS::Events::Rule\n    Properties:\n"
        + f"      EventPattern: '{DEEP_JSON}'\n"
    )


# ---------------------------------------------------------------------------
# The evaluation budget (Terraform): a few kilobytes whose values would take gigabytes,
# 10^8 instances or 10^9 module instances. Each unit holds a trail whose bucket is named
# by ``bucket`` (so the unit is relevant and the value is checked); the CT901 lines are
# computed from what the generators write.
# ---------------------------------------------------------------------------


def tf_budget_head(bucket: str = '"audit-logs"', count: str = "") -> str:
    """Eight lines: a trail and its bucket, whose name is on line 7. With ``count`` the
    trail's line 2 is the count (in place of the validation setting: still eight lines)."""
    counted = f"  count                      = {count}\n" if count else ""
    name = '"t-${count.index}"' if count else '"t"'
    head = (
        'resource "aws_cloudtrail" "t" {\n'
        + counted
        + f"  name                       = {name}\n"
        "  s3_bucket_name             = aws_s3_bucket.logs.bucket\n"
        + ("" if count else "  enable_log_file_validation = false\n")
        + "}\n"
        'resource "aws_s3_bucket" "logs" {\n'
        f"  bucket = {bucket}\n"
        "}\n"
    )
    assert head.count("\n") == TF_HEAD_LINES
    return head


TF_HEAD_LINES = 8
TF_BUCKET_LINE = 7

# 41 locals, each the one before twice: local.a40 is 2^41 characters (4 TiB).
DOUBLING_LINKS = 40
DOUBLING_FIRST_LINE = TF_HEAD_LINES + 2  # "locals {" is line 9, a0 line 10, a_k line 10 + k


def doubling_locals_tf(links: int = DOUBLING_LINKS) -> str:
    body = ['locals {\n', '  a0 = "xx"\n']
    body.extend(f'  a{k} = "${{local.a{k - 1}}}${{local.a{k - 1}}}"\n' for k in range(1, links + 1))
    body.append("}\n")
    return tf_budget_head(f"local.a{links}") + "".join(body)


def doubling_crossing_line(limit: int = 64 * 1024 * 1024, links: int = DOUBLING_LINKS) -> int:
    """The line of the local whose evaluation crosses ``max_string_bytes``. local.a_k is
    2^(k+1) characters. Evaluating it computes local.a_(k-1) at its first reference (free:
    charged when it was built), is charged 2^k for the second (a value handed out again is
    charged whole) and 2^(k+1) for the string it builds. a0's literal is 2 characters."""
    total = 2
    for k in range(1, links + 1):
        for charge in (2**k, 2 ** (k + 1)):
            total += charge
            if total > limit:
                return DOUBLING_FIRST_LINE + k
    raise AssertionError("the chain never crosses the limit")


def _doubling_locals(root: Path) -> None:
    (_bad(root) / "doubling").mkdir()
    (_bad(root) / "doubling" / "main.tf").write_text(doubling_locals_tf())


# format() with widths and precisions of 999,999,999: one unit each (each its own
# budget), so each is refused before the padding is built, at its own line.
FORMAT_CALLS = (
    '"%999999999s", "x"', '"%-999999999d", 5', '"%.999999999f", 1.5', '"%0999999999v", "x"',
    '"%999999999.999999999e", 2',
)


def _format_widths(root: Path) -> None:
    for i, args in enumerate(FORMAT_CALLS):
        unit = _bad(root) / f"format{i}"
        unit.mkdir()
        (unit / "main.tf").write_text(tf_budget_head(f"format({args})"))


# modules x count: the root calls m1 1,000 times; m1 calls m2 three times (calls a, b, c),
# m2 calls m3 three times, each call with count = 1000 (9 x 10^9 module instances). Each
# call is charged whole before any instance is made and, refused, is one UNKNOWN: the
# budget (20,000) runs out inside module.m[0], so every call of m1 and of m2 is refused
# at its header somewhere (lines 1, 5, 9 of each). Before, each refused instance was an
# entry of its own: 3 x 20,000 x 1,000 of them, a MemoryError under 3 GB.
FANOUT_CALLS = ("a", "b", "c")
FANOUT_CALL_LINES = tuple(1 + 4 * i for i in range(len(FANOUT_CALLS)))


def _module_count_fanout(root: Path) -> None:
    unit = _bad(root) / "modfan"
    for name in ("m1", "m2", "m3"):
        (unit / name).mkdir(parents=True)
    (unit / "main.tf").write_text(
        tf_budget_head() + 'module "m" {\n  count  = 1000\n  source = "./m1"\n}\n')
    for level, callee in (("m1", "m2"), ("m2", "m3")):
        (unit / level / "main.tf").write_text("".join(
            f'module "{call}" {{\n  count  = 1000\n  source = "../{callee}"\n}}\n'
            for call in FANOUT_CALLS))
    (unit / "m3" / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')


# A for nested in a for, 10^4 x 10^4 elements: max_elements (10^6) is crossed at the
# local's line, after about a hundred inner lists.
NESTED_FOR_LINE = TF_HEAD_LINES + 2


def nested_for_tf() -> str:
    return tf_budget_head('"n-${length(local.big)}"') + (
        "locals {\n  big = [for i in range(10000) : [for j in range(10000) : j]]\n}\n")


def _nested_for(root: Path) -> None:
    (_bad(root) / "nested_for").mkdir()
    (_bad(root) / "nested_for" / "main.tf").write_text(nested_for_tf())


# count = 100,000,000 on a trail: over max_instances, so CT901 at count (line 2) and the
# trail is checked once; the report stays small (it used to hold 1,000 trails and a CT005
# message naming all of them: 627 MB of SARIF).
COUNT_LINE = 2
COUNT_REPORT_BYTES = 300_000


def _huge_count(root: Path) -> None:
    (_bad(root) / "huge_count").mkdir()
    (_bad(root) / "huge_count" / "main.tf").write_text(tf_budget_head(count="100000000"))


# local.x.a.a.a... 4,000 links: walked in a loop (it was quadratic: 120 s). x has no
# attribute a, so the value is UNKNOWN (Terraform would say "Unsupported attribute").
def attribute_chain_tf(links: int = 4_000) -> str:
    return tf_budget_head("local.x" + ".a" * links) + "locals {\n  x = {}\n}\n"


def _attribute_chain(root: Path) -> None:
    (_bad(root) / "chain").mkdir()
    (_bad(root) / "chain" / "main.tf").write_text(attribute_chain_tf())


# distinct() and toset() over 100,000 strings: hashed, linear (they compared pairwise).
def distinct_tf(n: int = 100_000) -> str:
    return tf_budget_head('"d-${length(distinct(local.many))}-${length(toset(local.many))}"') + (
        f'locals {{\n  many = [for i in range({n}) : "n${{i % 50000}}"]\n}}\n')


def _distinct(root: Path) -> None:
    (_bad(root) / "distinct").mkdir()
    (_bad(root) / "distinct" / "main.tf").write_text(distinct_tf())


# 40,000 resources, one in four an SNS topic: each topic used to rescan every resource
# (10k/20k/40k resources: 2.4/7.5/30 s); now linear.
def many_resources_template(resources: int = 40_000) -> str:
    parts = [_BUDGET_HEAD]
    for i in range(resources):
        kind = "AWS::SNS::Topic" if i % 4 == 0 else "AWS::S3::Bucket"
        parts.append(f"  R{i}:\n    Type: {kind}\n")
    return "".join(parts)


def _many_resources(root: Path) -> None:
    (_bad(root) / "many_resources.yaml").write_text(many_resources_template())


# A file name and a logical id that carry ESC (colour, OSC 8 hyperlink), CR and LF.
HOSTILE_FILE_NAME = "evil\x1b[2J\nname.yaml"
HOSTILE_TEMPLATE = (
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
    '  "Trail\\e[31m\\r\\nok: no findings\\e]8;;http://evil.example/\\a":\n'
    "    Type: AWS::CloudTrail::Trail\n    Properties:\n"
    "      S3BucketName: b\n      IsLogging: true\n      EnableLogFileValidation: true\n"
)


def _hostile_names(root: Path) -> None:
    (_bad(root) / HOSTILE_FILE_NAME).write_text(HOSTILE_TEMPLATE)


CASES: tuple[Case, ...] = (
    # --- malformed HCL -------------------------------------------------------------
    Case("hcl_unclosed_block", "a resource block without its closing brace",
         _copy("hcl_unclosed_block.tf", "unclosed/main.tf"),
         (Expected("bad/unclosed/main.tf", 4, "expected one of: RBRACE"),), tags=("cli",)),
    Case("hcl_bad_heredoc", "a heredoc whose closing marker never comes",
         _copy("hcl_bad_heredoc.tf", "heredoc/main.tf"),
         (Expected("bad/heredoc/main.tf", 3, "<<POLICY"),)),
    Case("hcl_stray_chars", "junk characters after a valid block",
         _copy("hcl_stray_chars.tf", "stray/main.tf"),
         (Expected("bad/stray/main.tf", 4, "unexpected"),)),
    Case("hcl_invalid_utf8", "bytes that are not UTF-8 inside a string",
         _tf("utf8", b'resource "aws_cloudtrail" "t" {\n  name = "\xff\xfe\xc3("\n}\n'),
         (Expected("bad/utf8/main.tf", None, "utf-8"),)),
    Case("hcl_utf16_bom", "a .tf file saved as UTF-16 with a BOM",
         _tf("utf16", b"\xff\xfe" + _TRAIL_TF.encode("utf-16-le")),
         (Expected("bad/utf16/main.tf", None, "utf-8"),)),
    Case("hcl_utf8_bom", "a .tf file with a UTF-8 BOM (must parse)",
         _tf("bom", b"\xef\xbb\xbf" + _TRAIL_TF.encode()), clean=True,
         scanned=("bad/bom/main.tf",)),
    Case("hcl_crlf", "Windows line endings (must parse)", _tf("crlf", _CRLF_TF), clean=True,
         scanned=("bad/crlf/main.tf",)),
    Case("hcl_nul_bytes", "NUL bytes in the middle of a block",
         _tf("nul", _TRAIL_TF.encode().replace(b'"enc" {', b'"enc" {\x00\x00')),
         (Expected("bad/nul/main.tf", 1, "cannot parse Terraform file"),)),
    Case("hcl_50mb", "a 50 MB .tf file (generated)", _big_tf,
         (Expected("bad/big/main.tf", None, "max_file_bytes"),), tags=("cli", "slow")),
    Case("hcl_deep_nesting", "an expression nested 10,000 brackets deep (generated)",
         _deep_hcl, (Expected("bad/deep/main.tf", 2, "max_nesting_depth"),), tags=("cli",)),
    Case("hcl_deep_blocks", "blocks nested 10,000 deep (generated)",
         _deep_hcl_blocks, (Expected("bad/deepblocks/main.tf", None, "nested too deeply"),)),
    # --- malformed YAML / JSON templates ------------------------------------------
    Case("cfn_tabs", "YAML indented with tabs", _copy("cfn_tabs.yaml", "tabs.yaml"),
         (Expected("bad/tabs.yaml", 3, "YAML syntax error"),), tags=("cli",)),
    Case("cfn_duplicate_keys", "a mapping with the same key twice",
         _copy("cfn_duplicate_keys.yaml", "dupes.yaml"),
         (Expected("bad/dupes.yaml", 9, "EnableLogFileValidation"),)),
    Case("cfn_unknown_tag", "an unknown local tag (!NotARealTag)",
         _copy("cfn_unknown_tag.yaml", "tag.yaml"),
         (Expected("bad/tag.yaml", 6, "NotARealTag"),)),
    Case("cfn_python_object", "!!python/object/apply:os.system (must never run)",
         _copy("cfn_python_object.yaml", "python.yaml"),
         (Expected("bad/python.yaml", 6, "python/object"),), tags=("cli",)),
    Case("cfn_billion_laughs", "a YAML alias bomb (9^9 expansions)",
         _copy("cfn_billion_laughs.yaml", "laughs.yaml"),
         (Expected("bad/laughs.yaml", None, "max_yaml_aliases"),), tags=("cli",)),
    Case("cfn_100k_list", "a 100,000-element Tags list (generated; parsed or limited)",
         _long_list, ()),
    Case("cfn_deep_yaml", "flow sequences nested 10,000 deep (generated)", _deep_yaml,
         (Expected("bad/deep.yaml", None, "nesting depth"),)),
    Case("cfn_deep_json", "JSON arrays nested 10,000 deep (generated)", _deep_json,
         (Expected("bad/deep.json", None, "nesting deeper than"),)),
    Case("cfn_50mb", "a 50 MB *.template.yaml (generated)", _big_yaml,
         (Expected("bad/big.template.yaml", None, "max_file_bytes"),), tags=("slow",)),
    # --- templates that decode but are nonsense -----------------------------------
    Case("cfn_resources_list", "Resources is a list, not a mapping",
         _copy("cfn_resources_list.yaml", "res_list.yaml"),
         (Expected("bad/res_list.yaml", None, "no Resources section with typed"),)),
    Case("cfn_type_not_string", "resource Type is a list / a number",
         _copy("cfn_type_not_string.yaml", "type.yaml"),
         (Expected("bad/type.yaml", 3, "has no Type"), Expected("bad/type.yaml", 7, "has no Type"))),
    Case("cfn_properties_scalar", "Properties is a string",
         _copy("cfn_properties_scalar.yaml", "props.yaml"),
         (Expected("bad/props.yaml", 5, "Properties must be a mapping"),)),
    Case("cfn_trail_wrong_types", "a trail whose properties all have the wrong type",
         _copy("cfn_trail_wrong_types.yaml", "wrong_types.yaml"),
         tuple(Expected("bad/wrong_types.yaml", line, fragment) for line, fragment in (
             (6, "S3BucketName must be a string"), (7, "S3KeyPrefix must be a string"),
             (8, "IsLogging must be a boolean"), (9, "IsMultiRegionTrail must be a boolean"),
             (10, "IncludeGlobalServiceEvents must be a boolean"),
             (11, "EnableLogFileValidation must be a boolean"),
             (13, "CloudWatchLogsLogGroupArn must be a string"),
             (14, "CloudWatchLogsRoleArn must be a string"),
             (16, "EventSelectors must be a list"), (17, "AdvancedEventSelectors must be a list"),
         ))),
    # --- Terraform that parses but is nonsense ------------------------------------
    Case("tf_self_ref_locals", "locals that reference each other / themselves",
         _copy("tf_self_ref_locals.tf", "selfref/main.tf"),
         (Expected("bad/selfref/main.tf", 3, "local.a is part of a reference cycle"),
          Expected("bad/selfref/main.tf", 4, "local.c is part of a reference cycle"))),
    Case("tf_cyclic_modules", "module a calls b, b calls a", _cyclic_modules,
         (Expected("bad/b/main.tf", 2, "module cycle"),), scanned=("bad/a/main.tf",)),
    Case("tf_module_outside_root", "module source = ../../outside (a decoy trail there)",
         _outside_module,
         (Expected("bad/main.tf", 2, "outside the scanned root"),)),
    Case("tf_module_missing", "module source that does not exist",
         _copy("tf_module_missing.tf", "missing/main.tf"),
         (Expected("bad/missing/main.tf", 2, "does not exist"),)),
    Case("tf_installed_module_escape", "an installed module whose Dir leaves the root (decoy there)",
         _installed_module_escape,
         (Expected("bad/installed/main.tf", 2, "lies outside the scanned root"),)),
    Case("tf_count_unknown_var", "count from a variable without a value",
         _copy("tf_count_unknown_var.tf", "count/main.tf"), (), clean=True,
         scanned=("bad/count/main.tf",)),
    Case("tf_comment_in_heredoc",
         "trailscan/checkov/trivy/tfsec suppressions written inside a heredoc and strings",
         _copy("tf_comment_in_heredoc.tf", "heredoc_comment/main.tf"), (), clean=True,
         scanned=("bad/heredoc_comment/main.tf",)),
    Case("tf_duplicate_resource_two_files",
         "one resource declared in two files of a module, and an argument set twice",
         _copies(("tf_duplicate_resource_a.tf", "dup/a.tf"),
                 ("tf_duplicate_resource_b.tf", "dup/b.tf")),
         (Expected("bad/dup/b.tf", 1, 'Duplicate resource "aws_cloudtrail" configuration'),
          Expected("bad/dup/b.tf", 5, "Attribute redefined")), tags=("cli",)),
    Case("tf_huge_numbers",
         "integers beyond 64 bits, 1e999, 1e308*10, a 5,000-digit number, count = 1e999",
         _copy("tf_huge_numbers.tf", "numbers/main.tf"),
         (Expected("bad/numbers/main.tf", 13, "Invalid count argument"),), tags=("cli",)),
    # --- Terraform plan JSON -----------------------------------------------------------
    Case("plan_truncated", "a plan JSON cut off after 5,000 characters (generated)", _truncated_plan,
         (Expected("bad/truncated.json", 1, "not valid JSON"),), tags=("cli",)),
    Case("plan_deep_json", "a plan whose values nest 10,000 arrays deep (generated)", _deep_plan,
         (Expected("bad/deep_plan.json", 1, "nested too deeply"),)),
    Case("plan_wrong_shapes", "a plan whose every part has the wrong JSON type",
         _copy("plan_wrong_shapes.json", "wrong_shapes.json"), (), clean=True,
         scanned=("bad/wrong_shapes.json",)),
    # --- file system ----------------------------------------------------------------
    Case("fs_symlink_loop", "directory and file symlink loops", _symlink_loop,
         tuple(Expected(f"bad/{n}", None, "cannot be read") for n in ("ping.yaml", "pong.yaml",
                                                                     "self.tf")),
         needs_symlinks=True, tags=("cli",)),
    Case("fs_symlink_escape", "symlinks to a file and a directory outside the root",
         _symlink_escape,
         tuple(Expected(f"bad/{n}", None, "outside the scanned root")
               for n in ("escape.yaml", "escape_dir", "tfdir/main.tf")), needs_symlinks=True,
         tags=("cli",)),
    Case("fs_unreadable", "chmod 000 files (skipped as root)", _unreadable,
         (Expected("bad/locked.yaml", None, "ermission"),
          Expected("bad/locked/main.tf", None, "ermission")), needs_non_root=True),
    Case("fs_dirs_named_like_files", "directories named main.tf and template.yaml",
         _dirs_named_like_files, (), clean=True),
    # --- patterns that make a backtracking matcher run for hours --------------------
    Case("tf_redos_patterns", "metric filters: 15 stars in a value, \\w* runs, a %(a+)+$% regex",
         _copy("tf_redos_patterns.tf", "redos/main.tf"), (), clean=True,
         scanned=("bad/redos/main.tf",), tags=("cli",)),
    Case("cfn_redos_event_pattern", "EventBridge wildcards with 20+ stars, a [a-z.]* run regex",
         _copy("cfn_redos_event_pattern.yaml", "redos_events.yaml"), (), clean=True,
         scanned=("bad/redos_events.yaml",), tags=("cli",)),
    Case("cfn_iam_wildcards", "a bucket-policy Resource of 3,000 stars against a 10,000-char prefix",
         _iam_wildcards, (), clean=True, scanned=("bad/iam_wildcards.yaml",)),
    # --- output injection -------------------------------------------------------------
    Case("names_with_controls", "a file name and a logical id with ESC, OSC 8, CR and LF",
         _hostile_names, (), clean=True, scanned=(f"bad/{HOSTILE_FILE_NAME}",),
         needs_posix_names=True, tags=("cli",)),
    Case("fs_fifo", "FIFOs named pipe.tf and pipe.yaml (never opened)", _fifo, (), clean=True),
    Case("fs_gitignore_redos", "a .gitignore with catastrophic-backtracking patterns",
         _gitignore_redos, (), clean=True, scanned=("bad/" + "a" * 240 + ".yaml",)),
    # --- calls read from structure, never from text --------------------------------
    Case("tf_comment_module_source", "comments, a string and a heredoc mention source = \"../callee\"",
         _comment_module_source, (), clean=True, scanned=("bad/callee/main.tf", "bad/root/main.tf"),
         tags=("cli",)),
    Case("cfn_templateurl_in_description", "a Description, Metadata and a comment mention TemplateURL: ./prod.yaml",
         _templateurl_in_description, (), clean=True, scanned=("bad/parent.yaml", "bad/prod.yaml")),
    Case("cfn_nested_self", "a nested stack whose TemplateURL is the template itself",
         _copy("cfn_nested_self.yaml", "self.yaml"),
         (Expected("bad/self.yaml", 6, "nested stack cycle"),)),
    Case("cfn_nested_cycle", "two templates that nest each other",
         _nested_cycle, (Expected("bad/cycle_b.yaml", 6, "nested stack cycle"),),
         scanned=("bad/cycle_a.yaml",)),
    Case("cfn_11mb_yaml", "an 11 MB template named plain .yaml (generated)", _eleven_mb_yaml,
         (Expected("bad/big.yaml", None, "max_file_bytes"),), tags=("cli",)),
    # --- the evaluation budget (CloudFormation) ---------------------------------------
    Case("cfn_join_doubling", "BucketNames built by doubling Fn::Join over Refs, 40 links",
         _copy("cfn_join_doubling.yaml", "join_doubling.yaml"),
         (Expected("bad/join_doubling.yaml", 100, "max_string_bytes"),)),
    Case("cfn_sub_doubling", "Fn::Sub nested 30 deep, each doubling the one inside",
         _copy("cfn_sub_doubling.yaml", "sub_doubling.yaml"),
         (Expected("bad/sub_doubling.yaml", 37, "max_string_bytes"),)),
    Case("cfn_findinmap_fanout", "Mappings entries joining two Fn::FindInMap of the one before, 40 deep",
         _copy("cfn_findinmap_fanout.yaml", "findinmap.yaml"),
         (Expected("bad/findinmap.yaml", 86, "Mappings entry Names/K39/Name is not a string"),)),
    Case("cfn_param_repeated", "a 1 MB parameter Default joined 5,000 times (generated)",
         _param_repeated, (Expected("bad/param_repeated.yaml", PARAM_REF_LINE, "max_string_bytes"),)),
    Case("cfn_param_in_policy", "a 1 MB parameter named 60 times in a bucket policy (generated)",
         _param_in_policy, (), clean=True, scanned=("bad/param_in_policy.yaml",)),
    Case("cfn_alias_bomb_4mb", "900 YAML aliases of a 4 MiB scalar (generated)", _alias_bomb,
         (Expected("bad/alias_bomb.yaml", ALIAS_LINE, "max_string_bytes"),), tags=("cli",)),
    Case("cfn_nested_stack_fanout", "one 1,000-resource child nested 25 times (generated)",
         _nested_fanout,
         tuple(Expected("bad/fanout.yaml", fanout_url_line(i), "max_unit_instances")
               for i in range(FANOUT_FIRST_REFUSED, FANOUT_STACKS)),
         scanned=("bad/fanout_child.yaml",)),
    Case("cfn_nested_if_equal_branches", "Fn::If nested 15 deep with equal branches (generated)",
         _nested_if, (), clean=True, scanned=("bad/nested_if.yaml",)),
    # --- the evaluation budget (Terraform) ---------------------------------------------
    Case("tf_locals_doubling", "41 locals, each the one before twice, naming a bucket (generated)",
         _doubling_locals,
         (Expected("bad/doubling/main.tf", doubling_crossing_line(), "max_string_bytes"),),
         tags=("cli",)),
    Case("tf_format_widths", "format() with widths and precisions of 999,999,999 (generated)",
         _format_widths,
         tuple(Expected(f"bad/format{i}/main.tf", TF_BUCKET_LINE, "max_string_bytes")
               for i in range(len(FORMAT_CALLS)))),
    Case("tf_module_count_fanout", "module calls with count = 1000, three per module, three levels (generated)",
         _module_count_fanout,
         tuple(Expected(f"bad/modfan/{level}/main.tf", line, "max_unit_instances")
               for level in ("m1", "m2") for line in FANOUT_CALL_LINES),
         tags=("slow",)),
    Case("tf_nested_for", "a for nested in a for over range(10000) each (generated)", _nested_for,
         (Expected("bad/nested_for/main.tf", NESTED_FOR_LINE, "max_elements"),), tags=("slow",)),
    Case("tf_count_1e8", "count = 100000000 on a trail (generated)", _huge_count,
         (Expected("bad/huge_count/main.tf", COUNT_LINE, "count 100000000 exceeds max_instances"),),
         max_report_bytes=COUNT_REPORT_BYTES, tags=("cli",)),
    Case("tf_attribute_chain_4k", "local.x.a.a... with 4,000 links (generated)", _attribute_chain,
         (), clean=True, scanned=("bad/chain/main.tf",)),
    Case("tf_distinct_100k", "distinct() and toset() over 100,000 strings (generated)", _distinct,
         (), clean=True, scanned=("bad/distinct/main.tf",)),
    Case("cfn_40k_resources", "40,000 resources, 10,000 of them SNS topics (generated)",
         _many_resources, (), clean=True, scanned=("bad/many_resources.yaml",), tags=("slow",)),
    Case("cfn_deep_json_strings", "an EventPattern and a PolicyDocument as JSON strings 100,000 deep",
         _deep_json_strings,
         (Expected("bad/deep_strings.yaml", DEEP_POLICY_LINE, "nested too deeply"),
          Expected("bad/deep_strings.yaml", DEEP_PATTERN_LINE, "nested too deeply"))),
)


# ---------------------------------------------------------------------------
# Configuration, baseline and exit-code cases: the scan root holds the two good units
# plus what ``build`` writes; the CLI runs with ``build``'s extra arguments.
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfigCase:
    name: str
    what: str
    build: Callable[[Path], tuple[str, ...]]
    exit_code: int
    fragment: str  # in stderr ("" = stderr must be empty of errors)
    needs_fifo: bool = False


def _file(name: str, data: bytes, *args: str) -> Callable[[Path], tuple[str, ...]]:
    def build(root: Path) -> tuple[str, ...]:
        (root / name).write_bytes(data)
        return tuple(a.replace("{root}", str(root)) for a in args)

    return build


def _baseline(data: bytes) -> Callable[[Path], tuple[str, ...]]:
    def build(root: Path) -> tuple[str, ...]:
        path = root.parent / "baseline.json"
        path.write_bytes(data)
        return ("--baseline", str(path))

    return build


def _baseline_fifo(root: Path) -> tuple[str, ...]:
    os.mkfifo(root / "pipe.json")
    (root / ".trailscan.toml").write_text('baseline = "pipe.json"\n')
    return ()


def _only_bad_files(root: Path) -> tuple[str, ...]:
    for good in ("good_tf/main.tf", "good_cfn.yaml"):
        (root / good).unlink()
    shutil.copyfile(HERE / "cfn_tabs.yaml", root / "tabs.yaml")
    return ()


DEEP_BASELINE = b'{"version": 1, "findings": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
BIG_NUMBER_BASELINE = b'{"version": 1' + b"0" * 5_000 + b', "findings": []}'

CONFIG_CASES: tuple[ConfigCase, ...] = (
    ConfigCase("config_invalid_utf8", ".trailscan.toml with bytes that are not UTF-8",
               _file(".trailscan.toml", b'select = ["\xff\xfe"]\n'), 2, "not valid UTF-8"),
    ConfigCase("config_tool_not_a_table", ".trailscan.toml saying tool = 5",
               _file(".trailscan.toml", b"tool = 5\n"), 2, "unknown key 'tool'"),
    ConfigCase("config_pyproject_tool_5", "pyproject.toml saying tool = 5, given with --config",
               _file("pyproject.toml", b"tool = 5\n", "--config", "{root}/pyproject.toml"), 2,
               "[tool] must be a table"),
    ConfigCase("config_wrong_type", "a limit given as a string",
               _file(".trailscan.toml", b'[limits]\nmax_instances = "many"\n'), 2,
               "limits.max_instances must be an integer"),
    ConfigCase("config_huge_integer", "an integer with 5,001 digits",
               _file(".trailscan.toml", b"min_retention_days = 1" + b"0" * 5_000 + b"\n"), 2,
               "too many digits"),
    ConfigCase("config_deep_nesting", "arrays nested 100,000 deep",
               _file(".trailscan.toml", b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n"), 2,
               "nested too deeply"),
    ConfigCase("baseline_deep", "a baseline nested 100,000 deep", _baseline(DEEP_BASELINE), 2,
               "nested too deeply"),
    ConfigCase("baseline_big_number", "a baseline holding a 5,001-digit number",
               _baseline(BIG_NUMBER_BASELINE), 2, "too many digits"),
    ConfigCase("baseline_not_json", "a baseline that is not JSON", _baseline(b"version: 1\n"), 2,
               "not valid JSON"),
    ConfigCase("baseline_fifo", "a configured baseline that is a FIFO (reading it would block)",
               _baseline_fifo, 2, "not a regular file", needs_fifo=True),
    ConfigCase("only_ct901", "every file scanned is a CT901 (nothing else to scan)",
               _only_bad_files, 1, ""),
)
