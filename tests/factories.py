"""factory_boy factories shared by the test packages (one place, no JSON fixtures)."""

from __future__ import annotations

import factory

from migralex.accounts.models import Organisation, User
from migralex.documents.models import Document
from migralex.sources.models import Source


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.SelfAttribute("username")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("secret-pass-123")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Document {n}")
    owner = factory.SubFactory(OrganisationFactory)
    doc_type = "law"
    country = "MA"
    language = "fr"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Source {n}")
    kind = Source.Kind.FEED
    url = factory.Sequence(lambda n: f"http://127.0.0.1/feed-{n}.xml")
    owner = factory.SubFactory(OrganisationFactory)
