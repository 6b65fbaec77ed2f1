"""VPC networking: VPCs, subnets, security groups, NAT and internet gateways, transit gateways, endpoints.

Tags: every EC2 Describe* call returns them inline (`Tags`).
"""

from __future__ import annotations

from .common import arn
from .spec import Ref, ResourceSpec

_WORLD = ("0.0.0.0/0", "::/0")


def _ec2_arn(kind: str, id_key: str):
    return lambda item, ctx: arn(ctx, "ec2", f"{kind}/{item[id_key]}")


def _open_to_world(group, ctx) -> bool:
    for perm in group.get("IpPermissions") or []:
        cidrs = [r.get("CidrIp") for r in perm.get("IpRanges") or []]
        cidrs += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges") or []]
        if any(cidr in _WORLD for cidr in cidrs):
            return True
    return False


VPC = ResourceSpec(
    resource_type="ec2:vpc",
    service="ec2",
    operation="DescribeVpcs",
    result_key="Vpcs",
    id="VpcId",
    arn=_ec2_arn("vpc", "VpcId"),
    state="State",
    tags="Tags",
    attributes={
        "cidr_block": "CidrBlock",
        "ipv6_cidr_blocks": "Ipv6CidrBlockAssociationSet[].Ipv6CidrBlock",
        "is_default": "IsDefault",
        "instance_tenancy": "InstanceTenancy",
        "dhcp_options_id": "DhcpOptionsId",
    },
)

SUBNET = ResourceSpec(
    resource_type="ec2:subnet",
    service="ec2",
    operation="DescribeSubnets",
    result_key="Subnets",
    id="SubnetId",
    arn=lambda item, ctx: item.get("SubnetArn") or arn(ctx, "ec2", f"subnet/{item['SubnetId']}"),
    state="State",
    tags="Tags",
    attributes={
        "cidr_block": "CidrBlock",
        "availability_zone": "AvailabilityZone",
        "vpc_id": "VpcId",
        "map_public_ip_on_launch": "MapPublicIpOnLaunch",
        "default_for_az": "DefaultForAz",
    },
    references=(Ref("runs_in", "VpcId", "ec2:vpc"),),
)

SECURITY_GROUP = ResourceSpec(
    resource_type="ec2:security-group",
    service="ec2",
    operation="DescribeSecurityGroups",
    result_key="SecurityGroups",
    id="GroupId",
    name="GroupName",
    arn=_ec2_arn("security-group", "GroupId"),
    tags="Tags",
    attributes={
        "description": "Description",
        "vpc_id": "VpcId",
        "ingress_rule_count": "length(IpPermissions || `[]`)",
        "egress_rule_count": "length(IpPermissionsEgress || `[]`)",
        "open_to_world": _open_to_world,
    },
    references=(Ref("runs_in", "VpcId", "ec2:vpc"),),
)

NAT_GATEWAY = ResourceSpec(
    resource_type="ec2:nat-gateway",
    service="ec2",
    operation="DescribeNatGateways",
    result_key="NatGateways",
    id="NatGatewayId",
    arn=_ec2_arn("natgateway", "NatGatewayId"),
    state="State",
    gone_states=frozenset({"deleted"}),
    inactive_states=frozenset({"failed", "deleting"}),
    tags="Tags",
    attributes={"connectivity_type": "ConnectivityType", "vpc_id": "VpcId", "subnet_id": "SubnetId"},
    references=(Ref("runs_in", "SubnetId", "ec2:subnet"), Ref("runs_in", "VpcId", "ec2:vpc")),
    ip_addresses=("NatGatewayAddresses[].PublicIp", "NatGatewayAddresses[].PrivateIp"),
)

INTERNET_GATEWAY = ResourceSpec(
    resource_type="ec2:internet-gateway",
    service="ec2",
    operation="DescribeInternetGateways",
    result_key="InternetGateways",
    id="InternetGatewayId",
    arn=_ec2_arn("internet-gateway", "InternetGatewayId"),
    tags="Tags",
    attributes={"attached_vpcs": "Attachments[].VpcId"},
    references=(Ref("connects_to", "Attachments[].VpcId", "ec2:vpc"),),
)

TRANSIT_GATEWAY = ResourceSpec(
    resource_type="ec2:transit-gateway",
    service="ec2",
    operation="DescribeTransitGateways",
    result_key="TransitGateways",
    id="TransitGatewayId",
    arn=lambda item, ctx: (
        item.get("TransitGatewayArn") or arn(ctx, "ec2", f"transit-gateway/{item['TransitGatewayId']}")
    ),
    state="State",
    gone_states=frozenset({"deleted"}),
    tags="Tags",
    fallback_name="Description",
    attributes={
        "description": "Description",
        "amazon_side_asn": "Options.AmazonSideAsn",
        "owner_id": "OwnerId",
        "creation_time": "CreationTime",
    },
)

VPC_ENDPOINT = ResourceSpec(
    resource_type="ec2:vpc-endpoint",
    service="ec2",
    operation="DescribeVpcEndpoints",
    result_key="VpcEndpoints",
    id="VpcEndpointId",
    arn=_ec2_arn("vpc-endpoint", "VpcEndpointId"),
    state="State",
    gone_states=frozenset({"deleted"}),
    inactive_states=frozenset({"rejected", "failed", "expired", "deleting"}),
    tags="Tags",
    fallback_name="ServiceName",
    attributes={
        "service_name": "ServiceName",
        "endpoint_type": "VpcEndpointType",
        "vpc_id": "VpcId",
        "private_dns_enabled": "PrivateDnsEnabled",
    },
    references=(
        Ref("runs_in", "VpcId", "ec2:vpc"),
        Ref("depends_on", "SubnetIds", "ec2:subnet"),
        Ref("depends_on", "Groups[].GroupId", "ec2:security-group"),
    ),
    dns_names=("DnsEntries[].DnsName",),
)

SPECS = (VPC, SUBNET, SECURITY_GROUP, NAT_GATEWAY, INTERNET_GATEWAY, TRANSIT_GATEWAY, VPC_ENDPOINT)
