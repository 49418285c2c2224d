"""Node settings: our own AE title and the PACS/C-arm nodes we talk to.

The file is JSON, by default ``$XDG_CONFIG_HOME/fluoro-annotator/nodes.json``
(``~/.config/...``), or the path in ``FLUORO_ANNOTATOR_NODES``::

    {
      "local": {"ae_title": "FLUORO", "port": 11112, "inbox": "~/FluoroInbox"},
      "nodes": {
        "pacs": {
          "ae_title": "ORTHANC", "host": "10.0.0.5", "port": 4242,
          "dicomweb_url": "https://pacs.example/dicom-web",
          "retrieve": "get",            # or "move" (the PACS must know our AE)
          "timeout_s": 30,
          "tls": {"ca_file": "/etc/ssl/pacs-ca.pem", "cert_file": "", "key_file": ""},
          "auth": {"type": "basic", "username": "viewer", "password_env": "PACS_PASSWORD"}
        }
      }
    }

``auth`` is ``{"type": "basic", "username", "password" | "password_env"}`` or
``{"type": "bearer", "token" | "token_env"}``; prefer the ``*_env`` forms (the
secret stays in the environment). A secret is held in :class:`Secret`, whose
``repr``/``str`` never show it, and is never written into case files, logs or
error messages. The file is saved with owner-only permissions.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.net.errors import NodeConfigError

ENV_PATH = "FLUORO_ANNOTATOR_NODES"
DEFAULT_AE = "FLUORO"
DEFAULT_PORT = 11112
RETRIEVE_METHODS = ("get", "move")


class Secret:
    """A password or token: usable by the code, invisible in reprs, logs and messages."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Auth:
    """HTTP authentication for DICOMweb: ``kind`` is "basic" or "bearer"."""

    kind: str
    username: str = ""
    secret: Secret | None = None
    secret_env: str = ""  # the environment variable holding the secret, when configured so

    def resolve(self, node: str) -> str:
        """The secret's value; NodeConfigError naming the node (never the value) if unset."""
        if self.secret_env:
            value = os.environ.get(self.secret_env)
            if not value:
                raise NodeConfigError(
                    f"node {node!r}: the environment variable {self.secret_env} holding its "
                    f"{'password' if self.kind == 'basic' else 'token'} is not set: set it and try again")
            return value
        if self.secret is None:
            raise NodeConfigError(f"node {node!r}: auth has no password or token: add one in the settings")
        return self.secret.reveal()


@dataclass(frozen=True)
class Tls:
    """TLS for DIMSE and DICOMweb: CA bundle to verify the node, optional client certificate."""

    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""


@dataclass(frozen=True)
class Node:
    """A remote DICOM node (PACS, C-arm, workstation)."""

    name: str
    ae_title: str = ""
    host: str = ""
    port: int | None = None
    dicomweb_url: str = ""
    retrieve: str = "get"
    timeout_s: float = 30.0
    tls: Tls | None = None
    auth: Auth | None = None

    @property
    def has_dimse(self) -> bool:
        return bool(self.ae_title and self.host and self.port)

    @property
    def where(self) -> str:
        """How messages name the node: its name and address (never credentials)."""
        if self.has_dimse:
            return f"{self.name!r} ({self.ae_title}@{self.host}:{self.port})"
        return f"{self.name!r} ({self.dicomweb_url})"


@dataclass(frozen=True)
class Local:
    """This workstation: the AE title and port of our listener, the inbox folder."""

    ae_title: str = DEFAULT_AE
    port: int = DEFAULT_PORT
    inbox: str = ""


@dataclass(frozen=True)
class Settings:
    local: Local = field(default_factory=Local)
    nodes: Mapping[str, Node] = field(default_factory=dict)

    def node(self, name: str) -> Node:
        try:
            return self.nodes[name]
        except KeyError:
            known = ", ".join(sorted(self.nodes)) or "none configured"
            raise NodeConfigError(f"no node named {name!r} in the settings (known: {known}): "
                                  "add it in Settings or the nodes file") from None

    def with_node(self, node: Node) -> Settings:
        return replace(self, nodes={**self.nodes, node.name: node})


def default_path() -> Path:
    env = os.environ.get(ENV_PATH)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "fluoro-annotator" / "nodes.json"


def check_ae_title(value: Any, where: str) -> str:
    """An AE title: 1-16 printable ASCII characters, no backslash, not all spaces."""
    if not isinstance(value, str) or not value.strip() or len(value) > 16 or "\\" in value \
            or not all(32 <= ord(c) < 127 for c in value):
        raise NodeConfigError(f"{where}: AE title must be 1-16 ASCII characters without backslash, "
                              f"got {value!r}")
    return value.strip()


def check_port(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise NodeConfigError(f"{where}: port must be a whole number 1-65535, got {value!r}")
    return value


def _str(d: Mapping[str, Any], key: str, where: str) -> str:
    v = d.get(key, "")
    if not isinstance(v, str):
        raise NodeConfigError(f"{where}.{key}: must be text")
    return v


def _auth(d: Any, where: str) -> Auth | None:
    if d is None:
        return None
    if not isinstance(d, Mapping) or d.get("type") not in ("basic", "bearer"):
        raise NodeConfigError(f"{where}: auth needs \"type\": \"basic\" or \"bearer\"")
    kind = d["type"]
    key = "password" if kind == "basic" else "token"
    secret = _str(d, key, where)
    env = _str(d, f"{key}_env", where)
    if kind == "basic" and not _str(d, "username", where):
        raise NodeConfigError(f"{where}: basic auth needs a username")
    if not secret and not env:
        raise NodeConfigError(f"{where}: {kind} auth needs {key!r} or {key + '_env'!r}")
    return Auth(kind=kind, username=_str(d, "username", where), secret=Secret(secret) if secret else None,
                secret_env=env)


def _node(name: str, d: Any) -> Node:
    where = f"nodes.{name}"
    if not isinstance(d, Mapping):
        raise NodeConfigError(f"{where}: must be an object")
    ae = d.get("ae_title")
    url = _str(d, "dicomweb_url", where)
    if ae is None and not url:
        raise NodeConfigError(f"{where}: give an ae_title/host/port (DIMSE) or a dicomweb_url (or both)")
    port = None
    if ae is not None:
        ae = check_ae_title(ae, f"{where}.ae_title")
        if not _str(d, "host", where):
            raise NodeConfigError(f"{where}.host: missing (the node's host name or IP address)")
        port = check_port(d.get("port"), f"{where}.port")
    if url and not url.startswith(("http://", "https://")):
        raise NodeConfigError(f"{where}.dicomweb_url: must start with http:// or https://")
    if "@" in url.split("://", 1)[-1].split("/", 1)[0]:  # never echo it: it holds a secret
        raise NodeConfigError(f"{where}.dicomweb_url: holds a user name or password; put them in "
                              "\"auth\" instead")
    retrieve = d.get("retrieve", "get")
    if retrieve not in RETRIEVE_METHODS:
        raise NodeConfigError(f"{where}.retrieve: 'get' or 'move', got {retrieve!r}")
    timeout = d.get("timeout_s", 30.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 3600:
        raise NodeConfigError(f"{where}.timeout_s: seconds, more than 0 and at most 3600")
    tls = d.get("tls")
    if tls is not None:
        if not isinstance(tls, Mapping):
            raise NodeConfigError(f"{where}.tls: must be an object")
        tls = Tls(**{k: _str(tls, k, f"{where}.tls") for k in ("ca_file", "cert_file", "key_file")})
    return Node(name=name, ae_title=ae or "", host=_str(d, "host", where), port=port, dicomweb_url=url,
                retrieve=retrieve, timeout_s=float(timeout), tls=tls, auth=_auth(d.get("auth"), f"{where}.auth"))


def settings_from_dict(data: Any) -> Settings:
    if not isinstance(data, Mapping):
        raise NodeConfigError("nodes file: must hold a JSON object")
    loc = data.get("local", {})
    if not isinstance(loc, Mapping):
        raise NodeConfigError("local: must be an object")
    local = Local(ae_title=check_ae_title(loc.get("ae_title", DEFAULT_AE), "local.ae_title"),
                  port=check_port(loc.get("port", DEFAULT_PORT), "local.port"),
                  inbox=_str(loc, "inbox", "local"))
    nodes = data.get("nodes", {})
    if not isinstance(nodes, Mapping):
        raise NodeConfigError("nodes: must be an object of name -> node")
    return Settings(local=local, nodes={str(k): _node(str(k), v) for k, v in nodes.items()})


def _auth_dict(a: Auth) -> dict[str, Any]:
    key = "password" if a.kind == "basic" else "token"
    d: dict[str, Any] = {"type": a.kind}
    if a.username:
        d["username"] = a.username
    if a.secret_env:
        d[f"{key}_env"] = a.secret_env
    elif a.secret is not None:
        d[key] = a.secret.reveal()
    return d


def settings_to_dict(s: Settings) -> dict[str, Any]:
    nodes: dict[str, Any] = {}
    for n in s.nodes.values():
        d: dict[str, Any] = {}
        if n.has_dimse:
            d.update(ae_title=n.ae_title, host=n.host, port=n.port)
        if n.dicomweb_url:
            d["dicomweb_url"] = n.dicomweb_url
        d.update(retrieve=n.retrieve, timeout_s=n.timeout_s)
        if n.tls is not None:
            d["tls"] = {"ca_file": n.tls.ca_file, "cert_file": n.tls.cert_file, "key_file": n.tls.key_file}
        if n.auth is not None:
            d["auth"] = _auth_dict(n.auth)
        nodes[n.name] = d
    return {"local": {"ae_title": s.local.ae_title, "port": s.local.port, "inbox": s.local.inbox},
            "nodes": nodes}


def load_settings(path: str | Path | None = None) -> Settings:
    """The settings in ``path`` (default :func:`default_path`); defaults when that file is absent."""
    p = Path(path) if path is not None else default_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        if path is not None:
            raise NodeConfigError(f"{p.name}: no such nodes file") from None
        return Settings()
    except OSError as exc:
        raise NodeConfigError(f"{p.name}: the nodes file cannot be read ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NodeConfigError(f"{p.name}: not valid JSON (line {exc.lineno}): fix or remove it") from None
    try:
        return settings_from_dict(data)
    except NodeConfigError as exc:
        raise NodeConfigError(f"{p.name}: {exc}") from None


def save_settings(settings: Settings, path: str | Path | None = None) -> Path:
    """Write the settings atomically, readable by the owner only (they may hold a secret)."""
    from annotator.io.casefile import atomic_write_text

    p = Path(path) if path is not None else default_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(p, json.dumps(settings_to_dict(settings), indent=2) + "\n", backup=False)
    os.chmod(p, 0o600)
    return p
