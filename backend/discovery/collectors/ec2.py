"""EC2 compute and storage: instances, AMIs, EBS volumes and snapshots, Elastic IPs.

Tags: every EC2 Describe* call returns them inline (`Tags`), so no tag call is needed.
"""

from __future__ import annotations

from .common import arn
from .spec import Ref, ResourceSpec


def _owned(ctx) -> dict:
    # "self" alone is enough on AWS; moto ignores it, so the owner filter makes both answer the same.
    return {"OwnerIds": ["self"], "Filters": [{"Name": "owner-id", "Values": [ctx.account_id]}]}


def _is_own(item, ctx) -> bool:
    return item.get("OwnerId") in (None, ctx.account_id)


def _ec2_arn(kind: str, id_key: str, *, with_account: bool = True):
    # AMI and snapshot ARNs carry no account id (they can be shared across accounts).
    return lambda item, ctx: arn(ctx, "ec2", f"{kind}/{item[id_key]}", account=None if with_account else "")


INSTANCE = ResourceSpec(
    resource_type="ec2:instance",
    service="ec2",
    operation="DescribeInstances",
    result_key="Reservations[].Instances[]",
    id="InstanceId",
    arn=_ec2_arn("instance", "InstanceId"),
    state="State.Name",
    active_states=frozenset({"running", "pending"}),
    inactive_states=frozenset({"stopped", "stopping", "shutting-down"}),
    gone_states=frozenset({"terminated"}),
    tags="Tags",
    attributes={
        "instance_type": "InstanceType",
        "image_id": "ImageId",
        "availability_zone": "Placement.AvailabilityZone",
        "platform": "PlatformDetails",
        "architecture": "Architecture",
        "launch_time": "LaunchTime",
        "key_name": "KeyName",
        "iam_instance_profile": "IamInstanceProfile.Arn",
        "vpc_id": "VpcId",
        "subnet_id": "SubnetId",
        "private_ip": "PrivateIpAddress",
        "public_ip": "PublicIpAddress",
        "imdsv2_required": lambda i, c: (i.get("MetadataOptions") or {}).get("HttpTokens") == "required",
        "monitoring": "Monitoring.State",
        "lifecycle": "InstanceLifecycle",
    },
    references=(
        Ref("runs_in", "SubnetId", "ec2:subnet"),
        Ref("depends_on", "SecurityGroups[].GroupId", "ec2:security-group"),
        Ref("depends_on", "BlockDeviceMappings[].Ebs.VolumeId", "ec2:volume"),
        Ref("depends_on", "ImageId", "ec2:image"),
    ),
    ip_addresses=(
        "PrivateIpAddress",
        "PublicIpAddress",
        "NetworkInterfaces[].PrivateIpAddresses[].PrivateIpAddress",
        "NetworkInterfaces[].Ipv6Addresses[].Ipv6Address",
    ),
    dns_names=("PrivateDnsName", "PublicDnsName"),
)

IMAGE = ResourceSpec(
    resource_type="ec2:image",
    service="ec2",
    operation="DescribeImages",
    result_key="Images",
    params={"Owners": ["self"]},
    include=_is_own,
    id="ImageId",
    name="Name",
    arn=_ec2_arn("image", "ImageId", with_account=False),
    state="State",
    gone_states=frozenset({"deregistered"}),
    tags="Tags",
    attributes={
        "architecture": "Architecture",
        "platform": "PlatformDetails",
        "creation_date": "CreationDate",
        "public": "Public",
        "root_device_type": "RootDeviceType",
        "virtualization_type": "VirtualizationType",
        "description": "Description",
    },
    references=(Ref("depends_on", "BlockDeviceMappings[].Ebs.SnapshotId", "ec2:snapshot"),),
)

VOLUME = ResourceSpec(
    resource_type="ec2:volume",
    service="ec2",
    operation="DescribeVolumes",
    result_key="Volumes",
    id="VolumeId",
    arn=_ec2_arn("volume", "VolumeId"),
    state="State",
    gone_states=frozenset({"deleted"}),
    tags="Tags",
    attributes={
        "size_gib": "Size",
        "volume_type": "VolumeType",
        "iops": "Iops",
        "throughput": "Throughput",
        "encrypted": "Encrypted",
        "kms_key_id": "KmsKeyId",
        "availability_zone": "AvailabilityZone",
        "snapshot_id": "SnapshotId",
        "attached_to": "Attachments[].InstanceId",
        "create_time": "CreateTime",
    },
)

SNAPSHOT = ResourceSpec(
    resource_type="ec2:snapshot",
    service="ec2",
    operation="DescribeSnapshots",
    result_key="Snapshots",
    params=_owned,
    include=_is_own,
    id="SnapshotId",
    arn=_ec2_arn("snapshot", "SnapshotId", with_account=False),
    state="State",
    inactive_states=frozenset({"error"}),
    tags="Tags",
    fallback_name="Description",
    attributes={
        "volume_id": "VolumeId",
        "size_gib": "VolumeSize",
        "encrypted": "Encrypted",
        "kms_key_id": "KmsKeyId",
        "start_time": "StartTime",
        "description": "Description",
        "storage_tier": "StorageTier",
    },
)

ELASTIC_IP = ResourceSpec(
    resource_type="ec2:elastic-ip",
    service="ec2",
    operation="DescribeAddresses",
    result_key="Addresses",
    paginated=False,  # DescribeAddresses returns every address in one response
    id="AllocationId || PublicIp",
    arn=lambda item, ctx: arn(ctx, "ec2", f"elastic-ip/{item.get('AllocationId') or item['PublicIp']}"),
    tags="Tags",
    fallback_name="PublicIp",
    attributes={
        "public_ip": "PublicIp",
        "private_ip": "PrivateIpAddress",
        "domain": "Domain",
        "instance_id": "InstanceId",
        "association_id": "AssociationId",
        "network_interface_id": "NetworkInterfaceId",
        "public_ipv4_pool": "PublicIpv4Pool",
    },
    references=(Ref("connects_to", "InstanceId", "ec2:instance"),),
    ip_addresses=("PublicIp", "PrivateIpAddress"),
)

SPECS = (INSTANCE, IMAGE, VOLUME, SNAPSHOT, ELASTIC_IP)
