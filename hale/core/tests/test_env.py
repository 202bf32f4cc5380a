import pytest

from hale.core.env import ConfigError, env_bool, env_int, env_list, env_secret


def test_env_bool_reads_common_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True


def test_env_bool_fails_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ConfigError, match="FLAG"):
        env_bool("FLAG")


def test_env_int_fails_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ConfigError, match="COUNT"):
        env_int("COUNT", 1)
    monkeypatch.setenv("COUNT", "10")
    assert env_int("COUNT", 1) == 10


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,,")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def test_env_secret_reads_from_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("TOKEN_FILE", str(secret))
    assert env_secret("TOKEN") == "s3cret"
    monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError):
        env_secret("TOKEN")
