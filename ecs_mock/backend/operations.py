"""Operation name -> backend handler: the one table both doors (in-process and server) use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import (
    attributes,
    capacity_providers,
    cluster_capacity,
    cluster_settings,
    clusters,
    container_instances,
    run_task,
    start_task,
    tags,
    task_definitions,
    tasks,
)
from .state import Region

Handler = Callable[[Region, dict[str, Any]], dict[str, Any]]

OPERATIONS: dict[str, Handler] = {
    "CreateCluster": clusters.create_cluster,
    "DescribeClusters": clusters.describe_clusters,
    "ListClusters": clusters.list_clusters,
    "DeleteCluster": clusters.delete_cluster,
    "UpdateCluster": cluster_settings.update_cluster,
    "UpdateClusterSettings": cluster_settings.update_cluster_settings,
    "PutClusterCapacityProviders": cluster_capacity.put_cluster_capacity_providers,
    "CreateCapacityProvider": capacity_providers.create_capacity_provider,
    "DescribeCapacityProviders": capacity_providers.describe_capacity_providers,
    "UpdateCapacityProvider": capacity_providers.update_capacity_provider,
    "DeleteCapacityProvider": capacity_providers.delete_capacity_provider,
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
    "PutAttributes": attributes.put_attributes,
    "DeleteAttributes": attributes.delete_attributes,
    "ListAttributes": attributes.list_attributes,
}
