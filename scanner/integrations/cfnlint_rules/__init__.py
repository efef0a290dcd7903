"""cfn-lint rules that run trailscan (load them with ``cfn-lint --append-rules DIR``).

cfn-lint imports every ``[A-Za-z1-9]*.py`` file of the directory and instantiates each
``CloudFormationLintRule`` subclass it finds; this ``__init__`` only makes the directory
part of the installed package.
"""
