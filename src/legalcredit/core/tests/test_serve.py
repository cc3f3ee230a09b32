from legalcredit.core.management.commands.serve import web_command


def test_web_workers_allow_a_long_back_office_import(settings):
    # gunicorn's default (30 s) would kill a year's file half-way through its request.
    settings.WEB_TIMEOUT_SECONDS = 900
    cmd = web_command("127.0.0.1:8000", 2)
    assert cmd[cmd.index("--timeout") + 1] == "900" and cmd[cmd.index("--workers") + 1] == "2"
    settings.WEB_TIMEOUT_SECONDS = 1800
    assert "1800" in web_command("127.0.0.1:8000", 2)
