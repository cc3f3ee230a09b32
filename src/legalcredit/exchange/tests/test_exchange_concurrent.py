"""Two exchange runs at once (PostgreSQL). In a module of its own: under a module-wide django_db
mark, a transactional test's flush comes after refdata_after_flush has put the reference data
back, and the next test finds no regions."""
import threading
import time

import pytest
from django.db import connection, connections

from legalcredit.exchange import services


@pytest.fixture
def outbox(settings, tmp_path):
    settings.EXCHANGE_OUTBOX = str(tmp_path / "outbox")
    return tmp_path / "outbox"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two runs at once need a server database")
def test_two_runs_at_once_take_turns(refdata_after_flush, transactional_db, outbox, monkeypatch):
    inside, go, results = threading.Event(), threading.Event(), {}
    real = services._outcomes

    def held(path, *, by):
        inside.set()
        go.wait(10)
        return real(path, by=by)

    def run(name):
        try:
            results[name] = services.run()
        finally:
            connections.close_all()

    monkeypatch.setattr(services, "_outcomes", held)
    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert inside.wait(10)
    monkeypatch.setattr(services, "_outcomes", real)
    second = threading.Thread(target=run, args=("second",))
    second.start()
    time.sleep(0.5)
    assert "second" not in results, "the second run waits for the first"
    go.set()
    first.join(10)
    second.join(10)
    assert results["first"].since is None and results["second"].since == results["first"].until
