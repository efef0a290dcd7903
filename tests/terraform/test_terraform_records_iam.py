"""records/iam.py: roles, their trust policy and every permission policy they get."""

from __future__ import annotations

from pathlib import Path

from tf_inline import load

from scanner.model import Principal


def test_iam_role_policies(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_iam_role" "r" {
          name = "ct-logs"
          assume_role_policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
                           Principal = { Service = "cloudtrail.amazonaws.com" } }]
          })
        }
        resource "aws_iam_role_policy" "p" {
          role   = aws_iam_role.r.name
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "*" }] })
        }
        resource "aws_iam_policy" "m" {
          name   = "extra"
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "logs:CreateLogStream", Resource = "*" }] })
        }
        resource "aws_iam_role_policy_attachment" "a" {
          role       = aws_iam_role.r.name
          policy_arn = aws_iam_policy.m.arn
        }
        resource "aws_iam_role_policy_attachment" "aws" {
          role       = aws_iam_role.r.id
          policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        }
    """})
    (role,) = model.roles
    assert role.trust_policy.value.statements[0].principals == (
        Principal(kind="Service", value="cloudtrail.amazonaws.com"),
    )
    actions = [s.actions for doc in role.permission_policies for s in doc.statements]
    assert actions == [("logs:PutLogEvents",), ("logs:CreateLogStream",)]
    assert role.permissions_complete is False
    assert role.arn.value == "arn:aws:iam::${AWS::AccountId}:role/ct-logs"


def test_inline_and_managed_role_policies(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_iam_policy" "p" {
          name   = "logs"
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "logs:*", Resource = "*" }] })
        }
        resource "aws_iam_role" "r" {
          name                = "r"
          assume_role_policy  = "{}"
          managed_policy_arns = [aws_iam_policy.p.arn]
          inline_policy {
            name   = "inline"
            policy = jsonencode({ Statement = [{ Effect = "Deny", NotAction = "s3:*", Resource = "*" }] })
          }
        }
    """})
    (role,) = model.roles
    assert [s.effect for d in role.permission_policies for s in d.statements] == ["Deny", "Allow"]
    assert role.permissions_complete is True
    assert role.trust_policy.value.statements == ()
