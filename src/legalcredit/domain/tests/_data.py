"""The shipped rule files, read without Django, so pure tests check the real data."""
from importlib import resources

import yaml


def rule_doc(name: str) -> dict:
    raw = resources.files("legalcredit.refdata").joinpath("data", name).read_bytes()
    return yaml.safe_load(raw)
