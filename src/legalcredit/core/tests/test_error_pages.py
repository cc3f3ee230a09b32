"""Error pages speak the officers' language and name the platform, not Django."""
import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


@pytest.mark.django_db
def test_a_missing_page_says_so_in_chinese(client):
    page = client.get("/admin-nope/")
    text = page.content.decode()
    assert page.status_code == 404 and "页面不存在" in text and "公共法律服务信用监管平台" in text
    assert "Django" not in text


def test_a_server_error_page_says_nothing_was_half_done():
    text = server_error(RequestFactory().get("/")).content.decode()
    assert "系统错误" in text and "回滚" in text and "Django" not in text
