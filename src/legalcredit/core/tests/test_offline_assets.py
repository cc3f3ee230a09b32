"""Government networks are often offline: every page loads its scripts, styles and images
from the platform itself."""
import re

import pytest
from django.contrib.staticfiles import finders

ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
# Swagger UI's page builds its asset URLs in a script rather than in tags.
SCRIPTED = re.compile(r"""["']((?:https?:)?//[^"']+\.(?:js|css|png|svg))["']""", re.I)


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", "/api/docs/", "/admin/otp/"])
def test_pages_reference_only_assets_the_package_ships(client, admin_user, path):
    if path != "/admin/login/":
        client.force_login(admin_user)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    urls = ASSET.findall(html) + SCRIPTED.findall(html)
    external = [u for u in urls if u.startswith(("http:", "https:", "//"))]
    assert not external, f"{path} loads from outside: {external}"
    for url in urls:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/").split("?")[0]), f"{url} is not shipped"


def test_every_page_carries_the_security_headers(client, admin_user):
    client.force_login(admin_user)
    for path in ("/admin/login/", "/admin/", "/api/docs/", "/api/v1/subjects/?q=德恒&purpose=supervision"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", "/api/docs/", "/admin/otp/",
                                  "/admin/records/creditrecord/enter/"])
def test_pages_need_no_inline_script(client, admin_user, path):
    if path != "/admin/login/":
        client.force_login(admin_user)
    html = client.get(path, follow=True).content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>\s*\S", html)
    assert not inline, f"{path} has inline script, which the policy blocks"
    assert not re.search(r"\son[a-z]+=\"", html), f"{path} has an inline event handler"
