"""Operation name -> backend handler: the one table both doors (in-process and server) use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import (
    attributes,
    clusters,
    container_instances,
    run_task,
    service_deployments,
    services,
    start_task,
    tags,
    task_definitions,
    task_sets,
    tasks,
)
from . import service_launch as _actions  # noqa: F401  (registers its scheduled action)
from .state import Region

Handler = Callable[[Region, dict[str, Any]], dict[str, Any]]

OPERATIONS: dict[str, Handler] = {
    "CreateCluster": clusters.create_cluster,
    "DescribeClusters": clusters.describe_clusters,
    "ListClusters": clusters.list_clusters,
    "DeleteCluster": clusters.delete_cluster,
    "RegisterTaskDefinition": task_definitions.register_task_definition,
    "DeregisterTaskDefinition": task_definitions.deregister_task_definition,
    "DescribeTaskDefinition": task_definitions.describe_task_definition,
    "ListTaskDefinitions": task_definitions.list_task_definitions,
    "ListTaskDefinitionFamilies": task_definitions.list_task_definition_families,
    "RegisterContainerInstance": container_instances.register_container_instance,
    "DescribeContainerInstances": container_instances.describe_container_instances,
    "ListContainerInstances": container_instances.list_container_instances,
    "UpdateContainerInstancesState": container_instances.update_container_instances_state,
    "DeregisterContainerInstance": container_instances.deregister_container_instance,
    "StartTask": start_task.start_task,
    "RunTask": run_task.run_task,
    "DescribeTasks": tasks.describe_tasks,
    "ListTasks": tasks.list_tasks,
    "StopTask": tasks.stop_task,
    "TagResource": tags.tag_resource,
    "UntagResource": tags.untag_resource,
    "ListTagsForResource": tags.list_tags_for_resource,
    "CreateService": services.create_service,
    "UpdateService": services.update_service,
    "DeleteService": services.delete_service,
    "DescribeServices": services.describe_services,
    "ListServices": services.list_services,
    "ListServicesByNamespace": services.list_services_by_namespace,
    "ListServiceDeployments": service_deployments.list_service_deployments,
    "DescribeServiceDeployments": service_deployments.describe_service_deployments,
    "DescribeServiceRevisions": service_deployments.describe_service_revisions,
    "StopServiceDeployment": service_deployments.stop_service_deployment,
    "ContinueServiceDeployment": service_deployments.continue_service_deployment,
    "CreateTaskSet": task_sets.create_task_set,
    "UpdateTaskSet": task_sets.update_task_set,
    "DeleteTaskSet": task_sets.delete_task_set,
    "DescribeTaskSets": task_sets.describe_task_sets,
    "UpdateServicePrimaryTaskSet": task_sets.update_service_primary_task_set,
    "PutAttributes": attributes.put_attributes,
    "DeleteAttributes": attributes.delete_attributes,
    "ListAttributes": attributes.list_attributes,
}

# Operations the oldest supported botocore (1.34.17) does not have: answered only where the
# installed model has them (dispatch refuses an operation it cannot check).
NEWER_THAN_OLDEST_BOTOCORE = frozenset(
    {
        "ListServiceDeployments",
        "DescribeServiceDeployments",
        "DescribeServiceRevisions",
        "StopServiceDeployment",
        "ContinueServiceDeployment",
    }
)
