"""Operation name -> backend handler: the one table both doors (in-process and server) use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import (
    account_settings,
    attributes,
    clusters,
    container_instances,
    run_task,
    start_task,
    tags,
    task_definitions,
    tasks,
)
from . import outcomes as _outcomes  # noqa: F401  (registers the lifecycle hooks)
from . import task_events as _task_events  # noqa: F401  (registers the task listener)
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
    "PutAttributes": attributes.put_attributes,
    "DeleteAttributes": attributes.delete_attributes,
    "ListAttributes": attributes.list_attributes,
    "PutAccountSetting": account_settings.put_account_setting,
    "PutAccountSettingDefault": account_settings.put_account_setting_default,
    "DeleteAccountSetting": account_settings.delete_account_setting,
    "ListAccountSettings": account_settings.list_account_settings,
}
