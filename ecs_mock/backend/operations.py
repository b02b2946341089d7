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
    daemon_definitions,
    daemon_deployments,
    daemons,
    express,
    gateway_clusters,
    gateways,
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
    # Daemons (ECS Managed Daemons)
    "RegisterDaemonTaskDefinition": daemon_definitions.register_daemon_task_definition,
    "DescribeDaemonTaskDefinition": daemon_definitions.describe_daemon_task_definition,
    "DeleteDaemonTaskDefinition": daemon_definitions.delete_daemon_task_definition,
    "ListDaemonTaskDefinitions": daemon_definitions.list_daemon_task_definitions,
    "CreateDaemon": daemons.create_daemon,
    "UpdateDaemon": daemons.update_daemon,
    "DeleteDaemon": daemons.delete_daemon,
    "DescribeDaemon": daemons.describe_daemon,
    "ListDaemons": daemons.list_daemons,
    "DescribeDaemonDeployments": daemon_deployments.describe_daemon_deployments,
    "ListDaemonDeployments": daemon_deployments.list_daemon_deployments,
    "DescribeDaemonRevisions": daemon_deployments.describe_daemon_revisions,
    # Gateways
    "CreateGateway": gateways.create_gateway,
    "UpdateGateway": gateways.update_gateway,
    "DeleteGateway": gateways.delete_gateway,
    "DescribeGateway": gateways.describe_gateway,
    "ListGateways": gateways.list_gateways,
    "DescribeGatewayResources": gateways.describe_gateway_resources,
    "AssociateGatewayWithCluster": gateway_clusters.associate_gateway_with_cluster,
    "DisassociateGatewayFromCluster": gateway_clusters.disassociate_gateway_from_cluster,
    "ListGatewayClusterAssociations": gateway_clusters.list_gateway_cluster_associations,
    "DescribeGatewayRoute": gateway_clusters.describe_gateway_route,
    "ListGatewayRoutes": gateway_clusters.list_gateway_routes,
    # Express gateway services (ECS Express Mode)
    "CreateExpressGatewayService": express.create_express_gateway_service,
    "UpdateExpressGatewayService": express.update_express_gateway_service,
    "DeleteExpressGatewayService": express.delete_express_gateway_service,
    "DescribeExpressGatewayService": express.describe_express_gateway_service,
}
