"""What the long ARN format account settings change (taskLongArnFormat, serviceLongArnFormat,
containerInstanceLongArnFormat): with one disabled for the account, the resources of that kind
made afterwards get the old ARN form without the cluster (`task/<id>`, `service/<name>`,
`container-instance/<id>`), and they cannot be tagged (developer guide: "You must opt in to the
new ARN format to use features such as resource tagging for that resource type").

Mock decision: the mock has no IAM identities, so the setting in force is the root user's (the
account default); the resource id keeps the current 32-hex form in either format; existing
resources keep the ARN they were given.
"""

from __future__ import annotations

from ..errors import invalid_parameter
from . import account_settings
from .state import Region

# ECS's message (InvalidParameterException) for tagging, or listing the tags of, a short-ARN
# resource, as quoted in kayac/ecspresso#297.
LONG_ARN_FOR_TAGS = "Long arn format must be used for tagging operations"
SETTINGS = {
    "task": "taskLongArnFormat",
    "service": "serviceLongArnFormat",
    "container-instance": "containerInstanceLongArnFormat",
}


def is_long(region: Region, kind: str) -> bool:
    """Whether new resources of `kind` get the long ARN format now."""
    if not region.account_settings:  # the common case: nothing changed, AWS's default (enabled)
        return True
    setting = SETTINGS[kind]
    return account_settings.effective(region, account_settings.root(region), setting) == "enabled"


def arn(region: Region, kind: str, cluster: str, resource_id: str) -> str:
    if is_long(region, kind):
        return f"{region.arns.prefix}:{kind}/{cluster}/{resource_id}"
    return f"{region.arns.prefix}:{kind}/{resource_id}"


def check_tags(region: Region, kind: str, tags: object) -> None:
    """A request that tags a new resource of `kind` while its long format is disabled."""
    if tags and not is_long(region, kind):
        raise invalid_parameter(LONG_ARN_FOR_TAGS)
