"""Terraform front end: one root module directory (with its local modules) → ``Model``.

Values are resolved the way ``terraform plan`` would before talking to AWS: variables
(defaults < terraform.tfvars < *.auto.tfvars < --var-file < --var), locals, functions,
references, count/for_each and local modules. What only apply can know stays UNKNOWN.
"""

from scanner.parsers.terraform.loader import load_terraform

__all__ = ["load_terraform"]
