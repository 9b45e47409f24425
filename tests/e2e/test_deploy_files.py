"""docker-compose, the Dockerfile, the Kubernetes manifests and .env.example agree with the code:
every ``bantin`` command they run exists, every setting they name is a real one, and the k8s
objects reference each other correctly. (No Docker here, so this is what can be checked.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml

from crawlers.sources import load_sources
from services.cli import app
from services.common.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
BANTIN_SERVICES = {"topic-init", "migrate", "extractor", "storage", "api", "scheduler"}


def resolve(argv: list[str]) -> Any:
    """The (click) command ``bantin argv...`` runs; a clear failure when it does not exist.
    Groups are recognised by their ``commands`` table (Typer vendors its own click classes)."""
    assert argv[0] == "bantin", argv
    command = typer.main.get_command(app)
    for word in argv[1:]:
        if word.startswith("-") or not hasattr(command, "commands"):
            break
        sub = command.commands.get(word)
        assert sub is not None, f"'{' '.join(argv)}': bantin has no command {word!r}"
        command = sub
    assert not hasattr(command, "commands"), f"'{' '.join(argv)}' names a group, not a command"
    return command


def setting_names() -> set[str]:
    return {f"BANTIN_{name.upper()}" for name in Settings.model_fields}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def k8s_docs() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    docs: list[dict[str, Any]] = []
    for name in kustomization["resources"]:
        docs += [d for d in yaml.safe_load_all((K8S / name).read_text()) if d]
    return docs


def test_compose_runs_every_bantin_service_with_existing_commands(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert BANTIN_SERVICES | {"kafka", "postgres"} <= set(services)
    for name in BANTIN_SERVICES:
        resolve(services[name]["command"])
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
        env = services[name]["environment"]
        assert set(env) <= setting_names(), f"{name}: unknown settings {set(env) - setting_names()}"


def test_compose_workers_scale_and_start_after_topics_and_migrations(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("extractor", "storage"):
        assert "container_name" not in services[name] and "ports" not in services[name], name
    for name in ("extractor", "storage", "api", "scheduler"):
        deps = services[name]["depends_on"]
        assert deps["topic-init"]["condition"] == "service_completed_successfully"
        assert deps["migrate"]["condition"] == "service_completed_successfully"
        assert "healthcheck" in services[name], name
        assert services[name]["restart"] == "unless-stopped"
    assert services["api"]["ports"] == ["8000:8000"]


def test_dockerfile_is_multi_stage_slim_and_non_root() -> None:
    text = (ROOT / "deploy" / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", text, flags=re.M)
    assert len(stages) == 2 and all(s.endswith("-slim") for s in stages), stages
    final = text.rsplit("\nFROM ", 1)[1]
    assert re.search(r"^USER (?!root|0\b)", final, flags=re.M), "the runtime stage must not run as root"
    for directory in ("schemas", "crawlers", "services"):
        assert f"COPY {directory} {directory}" in text


def test_env_example_names_only_real_settings() -> None:
    names = set(re.findall(r"^#?(BANTIN_[A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert names <= setting_names(), names - setting_names()
    assert {"BANTIN_KAFKA_BOOTSTRAP_SERVERS", "BANTIN_DATABASE_URL"} <= names


def test_k8s_objects_are_complete_and_reference_each_other(k8s_docs: list[dict[str, Any]]) -> None:
    kinds = {(d["kind"], d["metadata"]["name"]) for d in k8s_docs}
    config_maps = {n for k, n in kinds if k == "ConfigMap"} | {"bantin-sources"}  # + the generated one
    secrets = {n for k, n in kinds if k == "Secret"}
    deployments = {n for k, n in kinds if k == "Deployment"}
    assert deployments == {"bantin-extractor", "bantin-storage", "bantin-api", "bantin-scheduler"}
    assert ("Job", "bantin-init") in kinds and ("Service", "bantin-api") in kinds
    commands: list[list[str]] = []
    for doc in k8s_docs:
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        pod = doc["spec"]["template"]["spec"]
        labels = doc["spec"]["template"]["metadata"]["labels"]
        if doc["kind"] == "Deployment":
            assert doc["spec"]["selector"]["matchLabels"].items() <= labels.items(), doc["metadata"]["name"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod.get("initContainers", []) + pod["containers"]:
            commands.append(container["command"])
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in config_maps
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in secrets
            assert {e["name"] for e in container.get("env", [])} <= setting_names()
        for volume in pod.get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps
    for argv in commands:
        resolve(argv)
    assert ["bantin", "topics", "create"] in commands and ["bantin", "db", "upgrade"] in commands
    assert {tuple(c) for c in commands} >= {
        ("bantin", "extractor"),
        ("bantin", "storage"),
        ("bantin", "schedule"),
    }
    service = next(d for d in k8s_docs if d["kind"] == "Service")
    api = next(d for d in k8s_docs if d["metadata"]["name"] == "bantin-api" and d["kind"] == "Deployment")
    assert service["spec"]["selector"].items() <= api["spec"]["template"]["metadata"]["labels"].items()


def test_k8s_settings_and_sources_are_valid(k8s_docs: list[dict[str, Any]]) -> None:
    config = next(
        d for d in k8s_docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "bantin-config"
    )
    secret = next(d for d in k8s_docs if d["kind"] == "Secret")
    env = {**config["data"], **secret["stringData"]}
    assert set(env) <= setting_names(), set(env) - setting_names()
    Settings.model_validate({k.removeprefix("BANTIN_").lower(): v for k, v in env.items()})
    scheduler = next(d for d in k8s_docs if d["metadata"]["name"] == "bantin-scheduler")
    mount = scheduler["spec"]["template"]["spec"]["containers"][0]["volumeMounts"][0]["mountPath"]
    assert env["BANTIN_SOURCES_FILE"] == f"{mount}/sources.yaml"
    registry = load_sources(K8S / "sources.yaml")
    assert {s.id for s in registry} == {"conganbackan", "cand"}
