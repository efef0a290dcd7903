"""CloudFormation resources → model records, one module per record family.

``build.build_model`` assembles a unit; each family module (``trail``, ``bucket``,
``kms``, ``logs``, ``alarms``, ``events``, ``iam``, ``topics``) maps its resource types and
the separate resources CloudFormation attaches to them (bucket policies, key aliases, SNS
subscriptions, IAM policies). The Terraform front end has the same families under the same
names, so a reader who knows one side finds the other.

Every ``Attr`` carries the CloudFormation property it was read from: the property itself
when it is written or absent, the enclosing property when a whole block is absent (what an
author would add), and the ``Fn::GetAtt`` attribute (``Arn``) for a value derived from the
resource's name.
"""
