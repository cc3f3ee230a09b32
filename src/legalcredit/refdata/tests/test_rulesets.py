import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from legalcredit.records import rules
from legalcredit.refdata import rulesets
from legalcredit.refdata.models import RuleSet
from legalcredit.refdata.services import _data_file


def test_province_edition_replaces_the_shipped_one_and_reload_keeps_it(db, tmp_path):
    doc = yaml.safe_load(_data_file("publication_policies.yaml"))
    doc["version"] = "320000-2026.1"
    doc["regimes"]["gbf-2025-22"]["periods"]["general"] = {"min_months": 6, "max_months": 12}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    call_command("refdata", "install", "publication_policies", str(path))
    assert rules.policy().regime(None).periods["general"].min_months == 6
    rulesets.load_shipped()
    assert RuleSet.objects.get(code="publication_policies", active=True).version == "320000-2026.1"
    assert RuleSet.objects.filter(code="publication_policies").count() == 2


def test_a_broken_edition_is_refused_and_nothing_changes(db, tmp_path):
    doc = yaml.safe_load(_data_file("penalty_catalogue.yaml"))
    doc["provisions"][1]["sanctions"]["停止执业"] = {"min_months": 6, "max_months": 3}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="lawyer-48：“停止执业”的下限大于上限"):
        call_command("refdata", "install", "penalty_catalogue", str(path))
    assert RuleSet.objects.get(code="penalty_catalogue", active=True).origin == "package"
    with pytest.raises(ValidationError, match="不是有效的 YAML"):
        rulesets.install("penalty_catalogue", "a: [1,")


@pytest.fixture
def forget_editions():
    yield
    rulesets.clear_cache()   # the editions below are rolled back with the test


def test_a_process_asks_again_which_edition_is_current_after_the_recheck_time(db, settings, monkeypatch,
                                                                             forget_editions):
    """Another process's new edition is used here once the recheck time has passed, and an
    edition installed by this process at once."""
    settings.RULESET_RECHECK_SECONDS = 60
    clock = [1000.0]
    monkeypatch.setattr(rulesets.time, "monotonic", lambda: clock[0])
    rulesets.clear_cache()
    shipped = rulesets.current("publication_policies")
    doc = yaml.safe_load(_data_file("publication_policies.yaml"))
    doc["version"] = "320000-2026.2"
    doc["regimes"]["gbf-2025-22"]["periods"]["general"] = {"min_months": 5, "max_months": 12}
    # As another process installs it: straight into the table, this process's cache not told.
    RuleSet.objects.filter(code="publication_policies", active=True).update(active=False)
    RuleSet.objects.create(code="publication_policies", version=doc["version"], source="x", document=doc,
                           checksum="other-process", origin="province", loaded_by="elsewhere")
    assert rulesets.current("publication_policies") is shipped
    clock[0] += 61
    assert rulesets.current("publication_policies").regime(None).periods["general"].min_months == 5
    doc["version"] = "320000-2026.3"
    doc["regimes"]["gbf-2025-22"]["periods"]["general"] = {"min_months": 4, "max_months": 12}
    rulesets.install("publication_policies", yaml.safe_dump(doc, allow_unicode=True))
    assert rulesets.current("publication_policies").regime(None).periods["general"].min_months == 4
