"""The home page's "by problem" box asks the search, which understands problem statements."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_problem_box_submits_to_search(client):
    html = client.get(reverse("core:home")).content.decode()
    assert f'action="{reverse("search:results")}"' in html
    assert 'id="home-q" name="q"' in html
