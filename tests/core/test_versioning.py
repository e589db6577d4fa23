"""The data version, the values kept per version and conditional GETs of public pages."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from sebaya.core import versioning
from sebaya.innovations.models import PublicationStatus
from tests.accounts.factories import UserFactory
from tests.innovations.factories import InnovationFactory, ThemeFactory
from tests.regions.factories import ProvinceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_committed_content_write_raises_the_version_once_per_transaction():
    before = versioning.current()
    with transaction.atomic():
        practice = InnovationFactory.create()
        practice.title = "Judul baru"
        practice.save()
        practice.themes.add(ThemeFactory())
        assert versioning.current() == before  # not before the commit
    assert versioning.current() == before + 1


def test_a_rolled_back_write_leaves_the_version():
    before = versioning.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        InnovationFactory.create()
        raise RuntimeError("rollback")
    assert versioning.current() == before


def test_a_write_in_a_savepoint_rolled_back_still_counts_the_others():
    before = versioning.current()
    with transaction.atomic():
        try:
            with transaction.atomic():
                InnovationFactory.create()
                raise RuntimeError("inner rollback")
        except RuntimeError:
            pass
        InnovationFactory.create()  # queued again: the first queueing was rolled back
    assert versioning.current() == before + 1


def test_deletes_and_m2m_changes_raise_it_bookkeeping_does_not():
    practice = InnovationFactory.create()
    theme = ThemeFactory()
    before = versioning.current()
    practice.themes.add(theme)
    assert versioning.current() == before + 1
    practice.delete()
    assert versioning.current() == before + 2
    user = UserFactory()
    user.last_login = user.date_joined
    user.save()
    assert versioning.current() == before + 2
    assert all(versioning.is_registered_model(label) for label in versioning.IGNORED_MODELS)


def test_cached_values_are_recomputed_after_a_write():
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert versioning.cached("t", ("a",), compute) == 1
    assert versioning.cached("t", ("a",), compute) == 1
    assert versioning.cached("t", ("b",), compute) == 2
    InnovationFactory.create()
    assert versioning.cached("t", ("a",), compute) == 3


def test_shared_values_are_computed_once_for_every_worker():
    """A value kept `shared` goes to the site's cache under the data version: another worker
    (here: this one with its memory emptied) reads it instead of computing it."""
    calls = []

    def compute() -> list[int]:
        calls.append(1)
        return [len(calls)]

    assert versioning.cached("s", ("a",), compute, shared=True) == [1]
    versioning.clear_memo()  # as another process would start
    assert versioning.cached("s", ("a",), compute, shared=True) == [1]
    assert len(calls) == 1
    InnovationFactory.create()  # a new data version: computed again
    versioning.clear_memo()
    assert versioning.cached("s", ("a",), compute, shared=True) == [2]


def test_shared_values_are_not_published_from_inside_a_transaction():
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with transaction.atomic():
        assert versioning.cached("u", ("a",), compute, shared=True) == 1
    versioning.clear_memo()
    assert versioning.cached("u", ("a",), compute, shared=True) == 2


def test_a_broken_shared_cache_never_fails_the_value(monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    assert versioning.cached("w", ("a",), lambda: 7, shared=True) == 7


def test_province_pages_share_one_set_of_province_counts(client, django_assert_max_num_queries):
    """Province counts leave the province out: the second province's page reuses the first's
    (and the sort never changes a count)."""
    for code, name in (("61", "Kalimantan Barat"), ("62", "Kalimantan Tengah")):
        InnovationFactory.create(region=ProvinceFactory(code=code, name=name))
    first = client.get(reverse("innovations:catalogue"), {"province": "61", "sort": "-year"})
    assert first.context["province_counts"] == {"61": 1, "62": 1}
    second = client.get(reverse("innovations:catalogue"), {"province": "62"})
    assert second.context["province_counts"] == {"61": 1, "62": 1}
    assert second.context["page"].paginator.count == 1
    keys = [k for k in versioning._memo if ":catalogue-province-counts:" in k]
    assert len(keys) == 1


def test_home_counts_follow_writes_at_once(client):
    InnovationFactory.create()
    assert client.get(reverse("core:home")).context["figures"]["practices"] == 1
    InnovationFactory.create()
    hidden = InnovationFactory.create(status=PublicationStatus.DRAFT)
    assert client.get(reverse("core:home")).context["figures"]["practices"] == 2
    hidden.status = PublicationStatus.PUBLISHED
    hidden.save()
    assert client.get(reverse("core:home")).context["figures"]["practices"] == 3


def test_catalogue_counts_follow_writes_at_once(client):
    province = ProvinceFactory(code="61", name="Kalimantan Barat")
    InnovationFactory.create(region=province)
    first = client.get(reverse("innovations:catalogue"), {"province": "61"})
    assert first.context["page"].paginator.count == 1
    assert first.context["province_counts"] == {"61": 1}
    InnovationFactory.create(region=province)
    second = client.get(reverse("innovations:catalogue"), {"province": "61"})
    assert second.context["page"].paginator.count == 2
    assert second.context["province_counts"] == {"61": 2}


def test_drafts_are_counted_for_those_who_may_see_them_only(client):
    """The anonymous counts and pages are shared between visitors; a curator's are their own."""
    from tests.accounts.factories import CuratorFactory

    InnovationFactory.create(title="Praktik terbit")
    InnovationFactory.create(title="Draf rahasia", status=PublicationStatus.DRAFT)
    url = reverse("innovations:catalogue")
    assert client.get(url).context["page"].paginator.count == 1
    client.force_login(CuratorFactory())
    curator = client.get(url)
    assert curator.context["page"].paginator.count == 2
    assert "Draf rahasia" in curator.content.decode()
    client.logout()
    anonymous = client.get(url).content.decode()
    assert "Praktik terbit" in anonymous and "Draf rahasia" not in anonymous


def test_kept_pages_carry_each_visitors_own_csrf_token(client):
    from django.test import Client

    InnovationFactory.create(title="Praktik terbit")
    url = reverse("core:home")
    first = client.get(url)
    assert first.context is not None  # rendered
    other = Client(enforce_csrf_checks=True)
    kept = other.get(url)
    assert kept.context is None  # served from the kept page, not rendered
    assert kept.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept.content.decode())
    assert token is not None
    assert "\x00" not in kept.content.decode()
    # The token in the kept page works for this visitor: the language form posts.
    switched = other.post(
        reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token.group(1)}
    )
    assert switched.status_code == 302
    # Two visitors, two tokens: the kept page never hands one visitor's token to another.
    theirs = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.content.decode())
    assert theirs is not None and theirs.group(1) != token.group(1)


PUBLIC_PAGES = ["core:home", "innovations:catalogue", "regions:list", "matching:priorities"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_answer_not_modified_until_the_data_changes(client, name):
    InnovationFactory.create()
    url = reverse(name)
    client.get(url)  # the visitor gets their CSRF cookie
    first = client.get(url)
    etag = first["ETag"]
    assert etag
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    InnovationFactory.create()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_another_visitors_tag_never_matches(client):
    """The tag holds the visitor's CSRF cookie: a page (and its token) is never confirmed to
    someone else, nor after the visitor's cookie changed."""
    url = reverse("core:home")
    client.get(url)
    etag = client.get(url)["ETag"]
    other = type(client)()
    other.get(url)
    assert other.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_new_csrf_cookie_gets_no_tag(client):
    response = client.get(reverse("core:home"))
    assert "csrftoken" in response.cookies
    assert not response.has_header("ETag")


def test_signed_in_readers_get_private_no_store_pages_without_tags(client):
    client.force_login(UserFactory())
    url = reverse("core:home")
    client.get(url)
    response = client.get(url, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert "no-store" in response["Cache-Control"]


def test_language_and_htmx_requests_have_their_own_tags(client):
    url = reverse("innovations:catalogue")
    client.get(url)
    indonesian = client.get(url)["ETag"]
    fragment = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert fragment["ETag"] != indonesian
    client.cookies["django_language"] = "en"
    assert client.get(url, HTTP_IF_NONE_MATCH=indonesian).status_code == 200


def test_pending_messages_are_rendered_not_confirmed(client):
    url = reverse("core:home")
    client.get(url)
    etag = client.get(url)["ETag"]
    client.cookies["messages"] = "anything"
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_bulk_writers_raise_it_too():
    """Region loading and indicator imports write in bulk (no signals): they raise it."""
    from sebaya.regions.loader import load_regions

    before = versioning.current()
    load_regions()
    assert versioning.current() == before + 1


def test_region_page_counts_follow_writes_at_once(client):
    province = ProvinceFactory(code="61", name="Kalimantan Barat")
    InnovationFactory.create(region=province)
    assert client.get("/wilayah/61/").context["practice_count"] == 1
    InnovationFactory.create(region=province)
    InnovationFactory.create(region=province, status=PublicationStatus.DRAFT)
    assert client.get("/wilayah/61/").context["practice_count"] == 2


def test_home_lists_workshop_practices_by_source_id_or_slug(client):
    InnovationFactory.create(external_id="pekalongan-lab-kemiskinan", title="Lab Kemiskinan")
    InnovationFactory.create(slug="jatim-puspa", title="Puspa")
    InnovationFactory.create(external_id="sragen-uptpk", status=PublicationStatus.DRAFT)
    shown = client.get(reverse("core:home")).context["workshop_practices"]
    assert [p.title for p in shown] == ["Lab Kemiskinan", "Puspa"]


def test_many_writes_in_one_transaction_queue_one_hook():
    """An import writes thousands of rows in one transaction: one hook, found in O(1)."""
    from django.db import connection

    before = versioning.current()
    with transaction.atomic():
        queued = len(connection.run_on_commit)
        for _ in range(500):
            versioning.bump()
        assert len(connection.run_on_commit) == queued + 1
    assert versioning.current() == before + 1
