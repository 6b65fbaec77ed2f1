"""Load balancers (elbv2 ALB/NLB/GWLB, classic ELB) and Auto Scaling groups.

Tags: both ELB APIs batch DescribeTags (20 ARNs / 20 names per call); Auto Scaling groups inline.
The elbv2 kind comes from `Type`, never from the ARN (moto puts /app/ into NLB ARNs).
"""

from __future__ import annotations

from .common import arn
from .spec import BatchTags, Ref, ResourceSpec

LOAD_BALANCER = ResourceSpec(
    resource_type="elbv2:load-balancer",
    service="elbv2",
    operation="DescribeLoadBalancers",
    result_key="LoadBalancers",
    id="LoadBalancerName",
    name="LoadBalancerName",
    arn="LoadBalancerArn",
    state="State.Code",
    active_states=frozenset({"active", "provisioning"}),
    inactive_states=frozenset({"active_impaired", "failed"}),
    tags=BatchTags(
        operation="DescribeTags",
        batch_size=20,
        params=lambda arns, ctx: {"ResourceArns": arns},
        key="LoadBalancerArn",
        result_key="TagDescriptions",
        result_match="ResourceArn",
    ),
    attributes={
        "type": "Type",
        "scheme": "Scheme",
        "ip_address_type": "IpAddressType",
        "vpc_id": "VpcId",
        "availability_zones": "AvailabilityZones[].ZoneName",
        "created": "CreatedTime",
    },
    references=(
        Ref("runs_in", "VpcId", "ec2:vpc"),
        Ref("depends_on", "AvailabilityZones[].SubnetId", "ec2:subnet"),
        Ref("depends_on", "SecurityGroups", "ec2:security-group"),
    ),
    ip_addresses=("AvailabilityZones[].LoadBalancerAddresses[].IpAddress",),
    dns_names=("DNSName",),
)

CLASSIC_LOAD_BALANCER = ResourceSpec(
    resource_type="elb:load-balancer",
    service="elb",
    operation="DescribeLoadBalancers",
    result_key="LoadBalancerDescriptions",
    id="LoadBalancerName",
    name="LoadBalancerName",
    arn=lambda item, ctx: arn(ctx, "elasticloadbalancing", f"loadbalancer/{item['LoadBalancerName']}"),
    tags=BatchTags(
        operation="DescribeTags",
        batch_size=20,
        params=lambda names, ctx: {"LoadBalancerNames": names},
        key="LoadBalancerName",
        result_key="TagDescriptions",
        result_match="LoadBalancerName",
    ),
    attributes={
        "type": lambda item, ctx: "classic",
        "scheme": "Scheme",
        "vpc_id": "VPCId",
        "listener_ports": "ListenerDescriptions[].Listener.LoadBalancerPort",
        "created": "CreatedTime",
    },
    references=(
        Ref("runs_in", "VPCId", "ec2:vpc"),
        Ref("depends_on", "Subnets", "ec2:subnet"),
        Ref("depends_on", "SecurityGroups", "ec2:security-group"),
        Ref("connects_to", "Instances[].InstanceId", "ec2:instance"),
    ),
    dns_names=("DNSName",),
)


def _subnets(item, ctx) -> list[str]:
    return [s for s in (item.get("VPCZoneIdentifier") or "").split(",") if s]


AUTO_SCALING_GROUP = ResourceSpec(
    resource_type="autoscaling:group",
    service="autoscaling",
    operation="DescribeAutoScalingGroups",
    result_key="AutoScalingGroups",
    id="AutoScalingGroupName",
    name="AutoScalingGroupName",
    arn="AutoScalingGroupARN",
    state="Status",  # only reported while the group is being deleted
    gone_states=frozenset({"delete in progress"}),
    tags="Tags",
    attributes={
        "min_size": "MinSize",
        "max_size": "MaxSize",
        "desired_capacity": "DesiredCapacity",
        "launch_template": "LaunchTemplate.LaunchTemplateName || MixedInstancesPolicy.LaunchTemplate"
        ".LaunchTemplateSpecification.LaunchTemplateName",
        "launch_configuration": "LaunchConfigurationName",
        "health_check_type": "HealthCheckType",
        "availability_zones": "AvailabilityZones",
    },
    references=(
        Ref("runs_in", _subnets, "ec2:subnet"),
        Ref(
            "depends_on",
            "LaunchTemplate.LaunchTemplateId || MixedInstancesPolicy.LaunchTemplate"
            ".LaunchTemplateSpecification.LaunchTemplateId",
            "ec2:launch-template",
        ),
        Ref("contains", "Instances[].InstanceId", "ec2:instance"),
        Ref("connects_to", "LoadBalancerNames", "elb:load-balancer"),
    ),
)

SPECS = (LOAD_BALANCER, CLASSIC_LOAD_BALANCER, AUTO_SCALING_GROUP)
