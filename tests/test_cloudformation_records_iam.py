"""``AWS::IAM::Role`` (+ its policies) → ``Role`` (records/iam.py)."""

from __future__ import annotations

from pathlib import Path

from cloudformation_template import load


def test_role_with_inline_attached_and_external_policies(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: {Service: cloudtrail.amazonaws.com}
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: inline
                  PolicyDocument:
                    Statement:
                      - Effect: Allow
                        Action: logs:CreateLogStream
                        Resource: "*"
              ManagedPolicyArns:
                - !Ref Managed
          Managed:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Statement: [{Effect: Allow, Action: logs:PutLogEvents, Resource: "*"}]
          Extra:
            Type: AWS::IAM::Policy
            Properties:
              PolicyName: extra
              Roles: [!Ref Role]
              PolicyDocument:
                Statement: [{Effect: Allow, Action: logs:DescribeLogGroups, Resource: "*"}]
          Other:
            Type: AWS::IAM::Role
            Properties:
              RoleName: other
              AssumeRolePolicyDocument: {Statement: []}
              ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
        """,
    )
    roles = {r.ref: r for r in model.roles}
    role = roles["Role"]
    assert role.arn.value == "arn:aws:iam::${AWS::AccountId}:role/${Role}"
    assert (role.name.name, role.arn.name) == ("RoleName", "Arn")
    assert role.trust_policy.name == "AssumeRolePolicyDocument"
    trust = role.trust_policy.value
    assert trust is not None and trust.statements[0].actions == ("sts:AssumeRole",)
    actions = [s.actions for d in role.permission_policies for s in d.statements]
    assert actions == [
        ("logs:CreateLogStream",),
        ("logs:PutLogEvents",),
        ("logs:DescribeLogGroups",),
    ]
    assert role.permissions_complete is True
    assert roles["Other"].permissions_complete is False


def test_policies_attached_by_name_reach_each_role_they_name_once(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          A:
            Type: AWS::IAM::Role
            Properties: {RoleName: a, AssumeRolePolicyDocument: {Statement: []}}
          B:
            Type: AWS::IAM::Role
            Properties: {RoleName: b, AssumeRolePolicyDocument: {Statement: []}}
          C:
            Type: AWS::IAM::Role
            Properties: {RoleName: c, AssumeRolePolicyDocument: {Statement: []}}
          Zeta:
            Type: AWS::IAM::Policy
            Properties:
              PolicyName: zeta
              Roles: [a, b, a]
              PolicyDocument: {Statement: [{Effect: Allow, Action: "z:Z", Resource: "*"}]}
          Alpha:
            Type: AWS::IAM::RolePolicy
            Properties:
              PolicyName: alpha
              RoleName: !Ref B
              PolicyDocument: {Statement: [{Effect: Allow, Action: "a:A", Resource: "*"}]}
          Shared:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              Roles: [!Ref A]
              PolicyDocument: {Statement: [{Effect: Allow, Action: "s:S", Resource: "*"}]}
        """,
    )
    actions = {
        r.ref: [a for d in r.permission_policies for s in d.statements for a in s.actions or ()]
        for r in model.roles
    }
    # In ref order, each document once.
    assert actions == {"A": ["s:S", "z:Z"], "B": ["a:A", "z:Z"], "C": []}
