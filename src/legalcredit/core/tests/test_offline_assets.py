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
