"""信用承诺公示: the commitments their makers chose to make to society are on the portal, on the
committer's page and in one list, with their fulfilment once decided; the others are not."""
import pytest
from django.urls import reverse

from legalcredit.remedies.services import commitments

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def make(subject, maker, *, disclosure="public", ctype="accept_missing", content="三十日内补交合伙协议原件"):
    return commitments.make(subject, by=maker, commitment_type=ctype, cause="执业登记（容缺受理）", content=content,
                            liability="未按期补交的，撤销登记", disclosure=disclosure, accepting_unit="淮安市司法局")


def body(client, path, **params):
    response = client.get(path, params)
    return response.status_code, response.content.decode()


def test_a_public_commitment_is_on_the_committers_page_and_the_list(client, law_firm, lawyer, maker):
    firm = make(law_firm, maker)
    person = make(lawyer, maker, ctype="self_discipline", content="恪守律师职业道德和执业纪律")
    hidden = make(law_firm, maker, disclosure="limited", content="只在特定范围内公开的承诺")
    private = make(lawyer, maker, disclosure="private", content="不公开的承诺")
    _, page = body(client, reverse("portal:subject", args=[law_firm.pk]))
    assert "信用承诺（1）" in page and firm.code in page and "三十日内补交合伙协议原件" in page
    assert "履行中" in page and law_firm.uscc in page and hidden.code not in page
    _, page = body(client, reverse("portal:subject", args=[lawyer.pk]))
    assert person.code in page and "行业自律型" in page and private.code not in page
    # A person's ID number is masked, as everywhere on the portal.
    assert lawyer.id_number not in page and lawyer.id_number[:6] + "********" + lawyer.id_number[-4:] in page
    status, page = body(client, "/public/commitments/")
    assert status == 200 and firm.code in page and person.code in page
    assert hidden.code not in page and private.code not in page and lawyer.id_number not in page
    _, page = body(client, "/public/commitments/", type="self_discipline")
    assert person.code in page and firm.code not in page


def test_a_breached_commitment_shows_what_was_not_kept(client, law_firm, maker, checker):
    c = make(law_firm, maker)
    commitments.propose_fulfilment(c.pk, by=maker, status="none", unfulfilled="逾期未补交合伙协议原件",
                                   liability_pursued="撤销变更登记")
    commitments.confirm_fulfilment(c.pk, by=checker, unit="淮安市司法局")
    _, page = body(client, "/public/commitments/", fulfilment="none")
    assert c.code in page and "全部未履行" in page and "逾期未补交合伙协议原件" in page and "撤销变更登记" in page
    _, page = body(client, "/public/commitments/", fulfilment="full")
    assert c.code not in page


@pytest.mark.parametrize("params, says", [({"type": "gift"}, "承诺类型：只能是"),
                                          ({"fulfilment": "maybe"}, "履行状态：只能是")])
def test_a_bad_filter_is_refused_naming_the_field(client, params, says):
    status, page = body(client, "/public/commitments/", **params)
    assert status == 400 and says in page
