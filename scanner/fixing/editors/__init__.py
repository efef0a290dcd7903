"""Per-format edit primitives: each editor turns the format-independent edits of
``scanner.policy`` (``SetAttribute``, ``AddAttribute``, ``AddResource``) into the smallest
text change to one file, in that file's style. Editors read files through the parsers'
own readers (``scanner.parsers``), so they see exactly the structure the scan saw; they
never write: the fix command decides what is written, after re-checking it."""

from __future__ import annotations

from scanner.fixing.editors.base import FileEditor, Refused, Step, Workspace, target_path
from scanner.fixing.editors.source import NotEditable, Source


def editor_for(source: Source, unit_format: str, workspace: Workspace) -> FileEditor:
    """The editor of ``source``, a file of a unit of ``unit_format``; raises Refused."""
    if unit_format == "terraform":
        from scanner.fixing.editors.terraform import TerraformEditor

        return TerraformEditor(source, workspace)
    if unit_format == "cloudformation":
        from scanner.fixing.editors.cloudformation import CloudFormationEditor

        return CloudFormationEditor(source, workspace)
    if unit_format == "terraform-plan":
        raise Refused("the values come from a Terraform plan; fix the configuration it was made from")
    raise Refused(f"files of format {unit_format!r} are not edited")


__all__ = ["FileEditor", "NotEditable", "Refused", "Source", "Step", "Workspace", "editor_for",
           "target_path"]
