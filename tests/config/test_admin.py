"""Django's admin covers every model of the product (issue: "Django's admin for every model")."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [m for m in apps.get_models() if m.__module__.startswith("migralex.")]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_model_is_registered_and_its_list_opens(model):
    assert admin.site.is_registered(model), f"{model._meta.label} has no admin"
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = f"/en/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert client.get(url).status_code == 200
