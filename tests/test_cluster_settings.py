"""UpdateCluster, UpdateClusterSettings and CreateCluster's settings, configuration and
serviceConnectDefaults (issue 15 defect 2), through boto3."""

from __future__ import annotations

from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock

NAMESPACE_PREFIX = "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-"


def _described(ecs: Any, name: str = "web") -> dict[str, Any]:
    (cluster,) = ecs.describe_clusters(clusters=[name])["clusters"]
    return dict(cluster)


def test_a_namespace_name_is_answered_with_its_arn(ecs_mock: EcsMock, ecs: Any) -> None:
    created = ecs.create_cluster(clusterName="web", serviceConnectDefaults={"namespace": "test"})
    arn = created["cluster"]["serviceConnectDefaults"]["namespace"]
    assert arn.startswith(NAMESPACE_PREFIX)
    assert len(arn) == len(NAMESPACE_PREFIX) + 16
    assert _described(ecs)["serviceConnectDefaults"] == {"namespace": arn}
    # The same name is the same namespace, in any cluster of the Region.
    other = ecs.create_cluster(clusterName="api", serviceConnectDefaults={"namespace": "test"})
    assert other["cluster"]["serviceConnectDefaults"] == {"namespace": arn}
    fresh = ecs.create_cluster(clusterName="jobs", serviceConnectDefaults={"namespace": "jobs"})
    assert fresh["cluster"]["serviceConnectDefaults"]["namespace"] != arn


def test_a_namespace_arn_is_echoed(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = NAMESPACE_PREFIX + "igwrsylmy3kwvcdx"
    created = ecs.create_cluster(clusterName="web", serviceConnectDefaults={"namespace": arn})
    assert created["cluster"]["serviceConnectDefaults"] == {"namespace": arn}


def test_namespaces_of_elsewhere_or_badly_named_are_refused(ecs_mock: EcsMock, ecs: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ecs.create_cluster(
            clusterName="web",
            serviceConnectDefaults={
                "namespace": "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-abc"
            },
        )
    assert raised.value.response["Error"]["Code"] == "NamespaceNotFoundException"
    for bad in ("a/b", 'say "hi"', "x" * 1025, "arn:aws:s3:::bucket"):
        with pytest.raises(ecs.exceptions.InvalidParameterException):
            ecs.create_cluster(clusterName="web", serviceConnectDefaults={"namespace": bad})
    assert ecs.list_clusters()["clusterArns"] == []
    assert ecs_mock._backend_region().namespaces == {}


def test_create_without_defaults_has_none(ecs_mock: EcsMock, ecs: Any) -> None:
    assert "serviceConnectDefaults" not in ecs.create_cluster(clusterName="web")["cluster"]
    empty = ecs.create_cluster(clusterName="api", serviceConnectDefaults={"namespace": ""})
    assert "serviceConnectDefaults" not in empty["cluster"]


def test_update_cluster_sets_and_removes_service_connect_defaults(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.create_cluster("web")
    updated = ecs.update_cluster(cluster="web", serviceConnectDefaults={"namespace": "test"})
    arn = updated["cluster"]["serviceConnectDefaults"]["namespace"]
    assert arn.startswith(NAMESPACE_PREFIX)
    assert _described(ecs)["serviceConnectDefaults"] == {"namespace": arn}
    # "If you update the cluster with an empty string "" for the namespace name, the cluster
    # configuration for Service Connect is removed."
    removed = ecs.update_cluster(cluster="web", serviceConnectDefaults={"namespace": ""})
    assert "serviceConnectDefaults" not in removed["cluster"]
    assert "serviceConnectDefaults" not in _described(ecs)


def _has_managed_storage() -> bool:
    model = botocore.session.get_session().get_service_model("ecs")
    return "managedStorageConfiguration" in model.shape_for("ClusterConfiguration").members


@pytest.mark.skipif(not _has_managed_storage(), reason="this botocore's model predates it")
def test_update_cluster_settings_and_configuration(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster(
        "web",
        configuration={"managedStorageConfiguration": {"kmsKeyId": "key-1"}},
    )
    execute = {
        "executeCommandConfiguration": {
            "logging": "OVERRIDE",
            "logConfiguration": {"cloudWatchLogGroupName": "exec"},
        }
    }
    updated = ecs.update_cluster(
        cluster="web",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        configuration=execute,
    )["cluster"]
    assert updated["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert updated["configuration"] == {
        "managedStorageConfiguration": {"kmsKeyId": "key-1"},
        **execute,
    }
    assert _described(ecs)["configuration"] == updated["configuration"]
    # Nothing to change: the cluster as it is.
    assert ecs.update_cluster(cluster="web")["cluster"]["settings"] == updated["settings"]


def test_update_cluster_replaces_the_execute_command_configuration(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.create_cluster(
        "web", configuration={"executeCommandConfiguration": {"kmsKeyId": "key-1"}}
    )
    execute = {"executeCommandConfiguration": {"logging": "NONE"}}
    assert ecs.update_cluster(cluster="web", configuration=execute)["cluster"]["configuration"] == (
        execute
    )
    assert _described(ecs)["configuration"] == execute


def test_update_cluster_settings(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("web")
    assert _described(ecs)["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    answer = ecs.update_cluster_settings(
        cluster="web", settings=[{"name": "containerInsights", "value": "enhanced"}]
    )
    assert answer["cluster"]["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    assert _described(ecs)["settings"] == [{"name": "containerInsights", "value": "enhanced"}]


def test_update_refusals_change_nothing(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("web")
    before = _described(ecs)
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.update_cluster_settings(
            cluster="web", settings=[{"name": "containerInsights", "value": "sometimes"}]
        )
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.update_cluster(
            cluster="web",
            settings=[{"name": "containerInsights", "value": "enabled"}],
            configuration={"executeCommandConfiguration": {"logging": "OVERRIDE"}},
        )
    with pytest.raises(ClientError) as raised:
        ecs.update_cluster(
            cluster="web",
            settings=[{"name": "containerInsights", "value": "enabled"}],
            serviceConnectDefaults={
                "namespace": "arn:aws:servicediscovery:us-east-1:210987654321:namespace/ns-abc"
            },
        )
    assert raised.value.response["Error"]["Code"] == "NamespaceNotFoundException"
    assert _described(ecs) == before
    for call in (ecs.update_cluster, ecs.update_cluster_settings):
        with pytest.raises(ecs.exceptions.ClusterNotFoundException):
            call(cluster="nope", settings=[{"name": "containerInsights", "value": "enabled"}])


def test_create_refuses_override_logging_without_a_log_configuration(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_cluster(
            clusterName="web",
            configuration={"executeCommandConfiguration": {"logging": "OVERRIDE"}},
        )
    assert "logConfiguration" in raised.value.response["Error"]["Message"]
    assert ecs.list_clusters()["clusterArns"] == []


def test_namespaces_are_per_region(ecs_mock: EcsMock, ecs: Any) -> None:
    here = ecs.create_cluster(clusterName="web", serviceConnectDefaults={"namespace": "shared"})
    west = boto3.client("ecs", region_name="eu-west-1")
    there = west.create_cluster(clusterName="web", serviceConnectDefaults={"namespace": "shared"})
    arn = there["cluster"]["serviceConnectDefaults"]["namespace"]
    assert arn.startswith("arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-")
    assert arn != here["cluster"]["serviceConnectDefaults"]["namespace"]


def test_a_new_cluster_takes_the_account_container_insights_setting(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    insights = "containerInsights"
    ecs.put_account_setting_default(name=insights, value="enhanced")
    created = ecs.create_cluster(clusterName="web")["cluster"]
    assert created["settings"] == [{"name": insights, "value": "enhanced"}]
    # The root user's own setting is the one in force for the mock's (root) caller.
    ecs.put_account_setting(name=insights, value="enabled")
    assert ecs.create_cluster(clusterName="api")["cluster"]["settings"] == [
        {"name": insights, "value": "enabled"}
    ]
    # A named principal's setting is not the caller's.
    ecs.put_account_setting(
        name=insights, value="disabled", principalArn="arn:aws:iam::123456789012:user/alice"
    )
    assert ecs.create_cluster(clusterName="jobs")["cluster"]["settings"] == [
        {"name": insights, "value": "enabled"}
    ]
    # `settings` in the request overrides the account's; clusters made earlier keep theirs.
    given = [{"name": insights, "value": "disabled"}]
    assert ecs.create_cluster(clusterName="batch", settings=given)["cluster"]["settings"] == given
    ecs.delete_account_setting(name=insights)
    assert _described(ecs)["settings"] == [{"name": insights, "value": "enhanced"}]
    assert _described(ecs, "api")["settings"] == [{"name": insights, "value": "enabled"}]
