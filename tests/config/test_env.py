import pytest
from django.core.exceptions import ImproperlyConfigured

from migralex.config import env


def test_typed_values(monkeypatch):
    monkeypatch.setenv("MIGRALEX_X_INT", "12")
    monkeypatch.setenv("MIGRALEX_X_BOOL", "yes")
    monkeypatch.setenv("MIGRALEX_X_LIST", "a, b,,c")
    assert env.env_int("MIGRALEX_X_INT", 1) == 12
    assert env.env_bool("MIGRALEX_X_BOOL") is True
    assert env.env_list("MIGRALEX_X_LIST") == ["a", "b", "c"]
    assert env.env_int("MIGRALEX_UNSET_INT", 7) == 7


@pytest.mark.parametrize(
    ("func", "value", "message"),
    [
        (lambda: env.env_int("MIGRALEX_X", 1), "ten", "must be an integer"),
        (lambda: env.env_bool("MIGRALEX_X"), "maybe", "must be a boolean"),
        (lambda: env.env_int("MIGRALEX_X", 1, minimum=1), "0", "must be >= 1"),
        (lambda: env.env_choice("MIGRALEX_X", "a", ("a", "b")), "c", "must be one of a, b"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, func, value, message):
    monkeypatch.setenv("MIGRALEX_X", value)
    with pytest.raises(ImproperlyConfigured, match=f"MIGRALEX_X {message}"):
        func()


def test_secret_from_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.delenv("MIGRALEX_KEY", raising=False)
    monkeypatch.setenv("MIGRALEX_KEY_FILE", str(secret))
    assert env.env_str("MIGRALEX_KEY") == "s3cret"
    monkeypatch.setenv("MIGRALEX_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        env.env_str("MIGRALEX_KEY")
