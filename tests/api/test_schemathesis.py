"""Schemathesis over /api/v1/schema/: every endpoint, anonymous and with a token, must never
answer 5xx, and every response must match the published schema (status, content type, body)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from migralex.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture
def store(corpus):
    """Documents, versions, files, sources and themes for the endpoints to return."""
    from migralex.knowledge.reference_data import LoadReport, instruments_load
    from tests.factories import SourceFactory

    instruments_load(LoadReport())
    SourceFactory(last_error="x")
    return corpus


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_api_anonymous(case, store):
    case.call_and_validate(checks=CHECKS)


@pytest.fixture
def token(db):
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    return Token.objects.create(user=UserFactory(role="analyst")).key


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_api_authenticated(case, store, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
