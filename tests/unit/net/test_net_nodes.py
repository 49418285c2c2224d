"""The node settings file: documented fields, checked values, secrets never shown."""

from __future__ import annotations

import json
import stat

import pytest

from annotator.net.errors import NodeConfigError
from annotator.net.nodes import Auth, Node, Secret, Settings, load_settings, save_settings


def test_round_trip_keeps_env_secret_indirect_and_file_private(tmp_path):
    path = tmp_path / "nodes.json"
    s = Settings().with_node(Node(name="pacs", ae_title="PACS", host="10.0.0.5", port=104,
                                  auth=Auth(kind="bearer", secret_env="PACS_TOKEN")))
    save_settings(s, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["nodes"]["pacs"]["auth"] == {"type": "bearer", "token_env": "PACS_TOKEN"}
    assert load_settings(path) == s


def test_unset_secret_variable_names_the_variable_not_a_value(monkeypatch):
    monkeypatch.delenv("PACS_TOKEN", raising=False)
    with pytest.raises(NodeConfigError, match=r"node 'pacs': the environment variable PACS_TOKEN .* is not set"):
        Auth(kind="bearer", secret_env="PACS_TOKEN").resolve("pacs")


def test_secrets_are_hidden_in_reprs():
    node = Node(name="pacs", dicomweb_url="https://x", auth=Auth(kind="basic", username="u", secret=Secret("s3cr3t")))
    assert "s3cr3t" not in repr(node) and "s3cr3t" not in str(node.auth) and "s3cr3t" not in node.where


@pytest.mark.parametrize(("cfg", "message"), [
    ({"nodes": {"p": {"ae_title": "A" * 17, "host": "h", "port": 1}}}, r"nodes.p.ae_title: AE title must be 1-16"),
    ({"nodes": {"p": {"ae_title": "A", "port": 1}}}, r"nodes.p.host: missing"),
    ({"nodes": {"p": {"dicomweb_url": "ftp://x"}}}, r"must start with http:// or https://"),
    ({"nodes": {"p": {"dicomweb_url": "http://x", "auth": {"type": "basic", "password": "x"}}}},
     r"basic auth needs a username"),
    ({"nodes": {"p": {"dicomweb_url": "http://x", "retrieve": "fax"}}}, r"'get' or 'move'"),
    ({"local": {"port": 0}}, r"local.port: port must be"),
    ({"nodes": {"p": {"dicomweb_url": "https://me:pw@x/dicom-web"}}}, r"holds a user name or password; put them in"),
])
def test_bad_values_are_named(tmp_path, cfg, message):
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps(cfg))
    with pytest.raises(NodeConfigError, match=message) as err:
        load_settings(path)
    assert "pw@" not in str(err.value)


def test_missing_default_file_means_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("FLUORO_ANNOTATOR_NODES", str(tmp_path / "absent.json"))
    assert load_settings() == Settings()
    (tmp_path / "absent.json").write_text("{not json")
    with pytest.raises(NodeConfigError, match=r"absent.json: not valid JSON \(line 1\)"):
        load_settings()
