"""The PostgreSQL connection options: repeated statements are prepared, unless turned off for a
transaction-pooling proxy."""
import pytest
from django.db import connection


def test_postgres_options_prepare_repeated_statements_unless_turned_off(monkeypatch):
    from legalcredit import settings

    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/lc")
    monkeypatch.delenv("DB_SERVER_SIDE_BINDING", raising=False)
    options = settings._database()["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    monkeypatch.setenv("DB_SERVER_SIDE_BINDING", "false")
    options = settings._database()["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options


@pytest.mark.django_db
def test_a_statement_run_again_and_again_is_planned_once():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    statement = "SELECT count(*) FROM registry_subject WHERE region_id = %s"
    with connection.cursor() as cur:
        for _ in range(6):
            cur.execute(statement, ["320812"])
        cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                    ["SELECT count(*) FROM registry_subject WHERE region_id = $1%"])
        assert cur.fetchone()[0] == 1
