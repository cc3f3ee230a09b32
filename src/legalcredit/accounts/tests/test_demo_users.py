"""The demo logins `serve --demo` prints must be logins that work."""
import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def home(settings, tmp_path, db):
    from legalcredit.registry import demo

    settings.HOME = tmp_path
    demo.build(200, province_code="320000", seed=5)
    return tmp_path


def test_the_printed_passwords_log_in_and_are_kept_across_restarts(home):
    from legalcredit.accounts.services import ensure_demo_users

    first = ensure_demo_users("320000")
    assert {r[0] for r in first} >= {"admin", "county", "checker"}
    for username, password, _ in first:
        assert get_user_model().objects.get(username=username).check_password(password), username
    assert ensure_demo_users("320000") == first, "a restart shows the same logins"


def test_a_fresh_database_gets_its_demo_users_again_though_the_logins_file_survived(home, django_user_model):
    from legalcredit.accounts.services import ensure_demo_users

    old = ensure_demo_users("320000")
    # As when var/legalcredit.sqlite3 is removed, or DATABASE_URL now names another database.
    for user in django_user_model.objects.filter(username__in=[r[0] for r in old]):
        user.username = f"gone-{user.pk}"
        user.save()
    again = ensure_demo_users("320000")
    assert [r[0] for r in again] == [r[0] for r in old] and again != old
    for username, password, _ in again:
        assert get_user_model().objects.get(username=username).check_password(password), username
