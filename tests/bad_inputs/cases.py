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
OUTSIDE_TRAIL_TF = """resource "aws_cloudtrail" "outside_secret" {
  name           = "outside-secret"
  s3_bucket_name = "outside-logs"
}
"""
OUTSIDE_TRAIL_YAML = """AWSTemplateFormatVersion: "2010-09-09"
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
    Case("tf_count_unknown_var", "count from a variable without a value",
         _copy("tf_count_unknown_var.tf", "count/main.tf"), (), clean=True,
         scanned=("bad/count/main.tf",)),
    # --- file system ----------------------------------------------------------------
    Case("fs_symlink_loop", "directory and file symlink loops", _symlink_loop,
         tuple(Expected(f"bad/{n}", None, "cannot be read") for n in ("ping.yaml", "pong.yaml",
                                                                     "self.tf")),
         needs_symlinks=True, tags=("cli",)),
    Case("fs_symlink_escape", "symlinks to a file and a directory outside the root",
         _symlink_escape,
         tuple(Expected(f"bad/{n}", None, "outside the scanned root")
               for n in ("escape.yaml", "escape_dir", "tfdir/main.tf")), needs_symlinks=True),
    Case("fs_unreadable", "chmod 000 files (skipped as root)", _unreadable,
         (Expected("bad/locked.yaml", None, "ermission"),
          Expected("bad/locked/main.tf", None, "ermission")), needs_non_root=True),
    Case("fs_dirs_named_like_files", "directories named main.tf and template.yaml",
         _dirs_named_like_files, (), clean=True),
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
)
