"""``AWS::KMS::Key`` (+ ``Alias``) → ``KmsKey`` (records/kms.py)."""

from __future__ import annotations

from pathlib import Path

from cloudformation_template import load

from scanner.model import Origin

KEY = """\
    Resources:
      Key:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
          KeyPolicy:
            Version: "2012-10-17"
            Statement:
              - Sid: CloudTrail
                Effect: Allow
                Principal: {Service: cloudtrail.amazonaws.com}
                Action: kms:GenerateDataKey*
                Resource: "*"
      Alias:
        Type: AWS::KMS::Alias
        Properties:
          AliasName: alias/cloudtrail
          TargetKeyId: !Ref Key
    """


def test_kms_key_alias_and_policy(tmp_path: Path) -> None:
    key = load(tmp_path, KEY).kms_keys[0]
    assert key.key_id.value == "${Key}"
    assert key.arn.value == "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${Key}"
    assert key.aliases == ("alias/cloudtrail",)
    assert key.rotation.value is True
    assert key.enabled.value is True and key.enabled.origin is Origin.DEFAULT
    assert key.key_spec.value == "SYMMETRIC_DEFAULT"
    policy = key.policy.value
    assert policy is not None and policy.statements[0].sid == "CloudTrail"
    assert policy.statements[0].actions == ("kms:GenerateDataKey*",)
    assert policy.statements[0].span.line == 9


def test_key_attributes_name_their_properties(tmp_path: Path) -> None:
    key = load(tmp_path, KEY).kms_keys[0]
    names = {
        field: (getattr(key, field).name, getattr(key, field).origin)
        for field in ("key_id", "arn", "policy", "rotation", "enabled", "key_spec")
    }
    assert names == {
        "key_id": ("KeyId", Origin.EXPLICIT),
        "arn": ("Arn", Origin.EXPLICIT),
        "policy": ("KeyPolicy", Origin.EXPLICIT),
        "rotation": ("EnableKeyRotation", Origin.EXPLICIT),
        "enabled": ("Enabled", Origin.DEFAULT),
        "key_spec": ("KeySpec", Origin.DEFAULT),
    }
    bare = load(tmp_path, "Resources:\n  K:\n    Type: AWS::KMS::Key\n", "bare.yaml").kms_keys[0]
    assert (bare.policy.name, bare.policy.origin) == ("KeyPolicy", Origin.DEFAULT)
    assert (bare.rotation.name, bare.rotation.origin) == ("EnableKeyRotation", Origin.DEFAULT)


def test_aliases_by_key_id_and_by_arn_reach_only_their_key(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          One:
            Type: AWS::KMS::Key
          Two:
            Type: AWS::KMS::Key
          Three:
            Type: AWS::KMS::Key
          ById:
            Type: AWS::KMS::Alias
            Properties: {AliasName: alias/one, TargetKeyId: !Ref One}
          ByArn:
            Type: AWS::KMS::Alias
            Properties: {AliasName: alias/two, TargetKeyId: !GetAtt Two.Arn}
          Again:
            Type: AWS::KMS::Alias
            Properties: {AliasName: alias/again, TargetKeyId: !Ref Two}
          Elsewhere:
            Type: AWS::KMS::Alias
            Properties: {AliasName: alias/other, TargetKeyId: 1234abcd}
        """,
    )
    assert {k.ref: k.aliases for k in model.kms_keys} == {
        "One": ("alias/one",),
        "Two": ("alias/again", "alias/two"),
        "Three": (),
    }
