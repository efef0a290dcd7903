"""Override files (``override.tf``, ``*_override.tf``, and their ``.tf.json`` forms).

Terraform loads them after the primary files, in lexicographic order, and merges each
top-level block into the block with the same header (Terraform's "Override Files"
documentation): an argument replaces the argument of the same name; nested blocks of a
type the override writes replace *all* blocks of that type (a ``dynamic "x"`` block counts
as type ``x``), other types stay; a resource's or data source's ``lifecycle`` block merges
argument by argument; ``locals`` merge value by value. An override with no block to merge
into is an error in Terraform, so it is a CT901 here and is otherwise ignored.
"""

from __future__ import annotations

from scanner.parsers.terraform.hcl import Block

_SUFFIXES = ("_override.tf", "_override.tf.json")
_NAMES = ("override.tf", "override.tf.json")


def is_override_file(name: str) -> bool:
    return name in _NAMES or name.endswith(_SUFFIXES)


def _nested_type(block: Block) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def merge_block(base: Block, override: Block, *, merge_lifecycle: bool = False) -> Block:
    """The block Terraform uses: ``base`` with ``override`` merged in (both unchanged)."""
    replaced = {_nested_type(b) for b in override.blocks}
    blocks = [b for b in base.blocks if _nested_type(b) not in replaced]
    for child in override.blocks:
        if merge_lifecycle and child.type == "lifecycle":
            old = next((b for b in base.blocks if b.type == "lifecycle"), None)
            if old is not None:
                child = merge_block(old, child)
        blocks.append(child)
    return Block(
        type=base.type,
        labels=base.labels,
        span=base.span,
        header=base.header,
        attributes={**base.attributes, **override.attributes},
        blocks=blocks,
    )
