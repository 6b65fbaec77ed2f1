"""Demo estate: VPC networking, EC2 compute and storage, load balancers and Auto Scaling (one account/region)."""

from __future__ import annotations

from .seeder import Seeder


def _spec(resource_type: str, tags: list[dict]) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": tags}]


def seed_network(s: Seeder, region_index: int) -> None:
    ec2 = s.client("ec2")
    octet = (s.index * 8 + region_index) % 250 + 1
    tags = s.tag_list("main-vpc")
    vpc_id = ec2.create_vpc(CidrBlock=f"10.{octet}.0.0/16", TagSpecifications=_spec("vpc", tags))["Vpc"]["VpcId"]
    s.record("ec2:vpc", vpc_id, arn=s.arn("ec2", f"vpc/{vpc_id}"), name="main-vpc", tags=s.tag_dict("main-vpc"))
    subnet_ids = []
    for n, (zone, role) in enumerate((("a", "public"), ("b", "private"))):
        name = f"{role}-{zone}"
        subnet = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=f"10.{octet}.{n}.0/24",
            AvailabilityZone=f"{s.region}{zone}",
            TagSpecifications=_spec("subnet", s.tag_list(name, n)),
        )["Subnet"]
        subnet_ids.append(subnet["SubnetId"])
        arn = subnet.get("SubnetArn") or s.arn("ec2", f"subnet/{subnet['SubnetId']}")
        s.record("ec2:subnet", subnet["SubnetId"], arn=arn, name=name, tags=s.tag_dict(name, n))
    sg_id = ec2.create_security_group(
        GroupName="app-sg",
        Description="application tier",
        VpcId=vpc_id,
        TagSpecifications=_spec("security-group", s.tag_list("app-sg")),
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg_id,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    s.record(
        "ec2:security-group",
        sg_id,
        arn=s.arn("ec2", f"security-group/{sg_id}"),
        name="app-sg",
        tags=s.tag_dict("app-sg"),
    )
    s.state.update(vpc_id=vpc_id, subnet_ids=subnet_ids, sg_id=sg_id)
    _seed_gateways(s, ec2, vpc_id, subnet_ids)


def _seed_gateways(s: Seeder, ec2, vpc_id: str, subnet_ids: list[str]) -> None:
    igw_id = ec2.create_internet_gateway(TagSpecifications=_spec("internet-gateway", s.tag_list("main-igw")))[
        "InternetGateway"
    ]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    s.record(
        "ec2:internet-gateway",
        igw_id,
        arn=s.arn("ec2", f"internet-gateway/{igw_id}"),
        name="main-igw",
        tags=s.tag_dict("main-igw"),
    )
    allocation = ec2.allocate_address(Domain="vpc", TagSpecifications=_spec("elastic-ip", s.tag_list("nat-eip")))
    s.record(
        "ec2:elastic-ip",
        allocation["AllocationId"],
        arn=s.arn("ec2", f"elastic-ip/{allocation['AllocationId']}"),
        name="nat-eip",
        tags=s.tag_dict("nat-eip"),
    )
    nat_id = ec2.create_nat_gateway(
        SubnetId=subnet_ids[0],
        AllocationId=allocation["AllocationId"],
        TagSpecifications=_spec("natgateway", s.tag_list("main-nat")),
    )["NatGateway"]["NatGatewayId"]
    s.record(
        "ec2:nat-gateway",
        nat_id,
        arn=s.arn("ec2", f"natgateway/{nat_id}"),
        name="main-nat",
        tags=s.tag_dict("main-nat"),
    )
    endpoint_id = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName=f"com.amazonaws.{s.region}.s3",
        TagSpecifications=_spec("vpc-endpoint", s.tag_list("s3-endpoint")),
    )["VpcEndpoint"]["VpcEndpointId"]
    s.record(
        "ec2:vpc-endpoint",
        endpoint_id,
        arn=s.arn("ec2", f"vpc-endpoint/{endpoint_id}"),
        name="s3-endpoint",
        tags=s.tag_dict("s3-endpoint"),
    )
    tgw = ec2.create_transit_gateway(
        Description="hub", TagSpecifications=_spec("transit-gateway", s.tag_list("hub-tgw"))
    )["TransitGateway"]
    s.record(
        "ec2:transit-gateway",
        tgw["TransitGatewayId"],
        arn=tgw["TransitGatewayArn"],
        name="hub-tgw",
        tags=s.tag_dict("hub-tgw"),
    )


def _amazon_linux_image(ec2) -> str:
    # A name filter keeps the answer small (moto knows thousands of public images).
    name_filter = [{"Name": "name", "Values": ["amzn2-ami-hvm-*-x86_64-gp2"]}]
    images = ec2.describe_images(Owners=["amazon"], Filters=name_filter)["Images"]
    images = images or ec2.describe_images(Owners=["amazon"])["Images"]
    return images[0]["ImageId"]


def seed_compute(s: Seeder) -> None:
    ec2 = s.client("ec2")
    image_id = _amazon_linux_image(ec2)
    s.state["image_id"] = image_id
    instance_ids = []
    for n in range(2 * s.scale):
        name = f"app-{n + 1:03d}"
        tags = s.tag_list(name, n)
        instance = ec2.run_instances(
            ImageId=image_id,
            MinCount=1,
            MaxCount=1,
            InstanceType=("t3.micro", "m6i.large")[n % 2],
            SubnetId=s.state["subnet_ids"][n % 2],
            SecurityGroupIds=[s.state["sg_id"]],
            TagSpecifications=_spec("instance", tags) + _spec("volume", tags),
        )["Instances"][0]
        instance_ids.append(instance["InstanceId"])
        s.record(
            "ec2:instance",
            instance["InstanceId"],
            arn=s.arn("ec2", f"instance/{instance['InstanceId']}"),
            name=name,
            tags=s.tag_dict(name, n),
        )
    ec2.stop_instances(InstanceIds=instance_ids[1:2])  # one stopped instance: INACTIVE in the register
    _seed_storage(s, ec2, instance_ids[0])


def _seed_storage(s: Seeder, ec2, instance_id: str) -> None:
    volume_id = ec2.create_volume(
        AvailabilityZone=f"{s.region}a",
        Size=100,
        VolumeType="gp3",
        Encrypted=True,
        TagSpecifications=_spec("volume", s.tag_list("data-volume")),
    )["VolumeId"]
    s.record(
        "ec2:volume",
        volume_id,
        arn=s.arn("ec2", f"volume/{volume_id}"),
        name="data-volume",
        tags=s.tag_dict("data-volume"),
    )
    snapshot_id = ec2.create_snapshot(
        VolumeId=volume_id, Description="nightly", TagSpecifications=_spec("snapshot", s.tag_list("data-snapshot"))
    )["SnapshotId"]
    s.record(
        "ec2:snapshot",
        snapshot_id,
        arn=f"arn:aws:ec2:{s.region}::snapshot/{snapshot_id}",
        name="data-snapshot",
        tags=s.tag_dict("data-snapshot"),
    )
    image_id = ec2.create_image(
        InstanceId=instance_id,
        Name=f"golden-{s.account_id}-{s.region}",
        TagSpecifications=_spec("image", s.tag_list("golden-image")),
    )["ImageId"]
    s.record(
        "ec2:image",
        image_id,
        arn=f"arn:aws:ec2:{s.region}::image/{image_id}",
        name=f"golden-{s.account_id}-{s.region}",
        tags=s.tag_dict("golden-image"),
    )
    allocation = ec2.allocate_address(Domain="vpc", TagSpecifications=_spec("elastic-ip", s.tag_list("app-eip")))
    ec2.associate_address(AllocationId=allocation["AllocationId"], InstanceId=instance_id)
    s.record(
        "ec2:elastic-ip",
        allocation["AllocationId"],
        arn=s.arn("ec2", f"elastic-ip/{allocation['AllocationId']}"),
        name="app-eip",
        tags=s.tag_dict("app-eip"),
    )


def seed_load_balancing(s: Seeder) -> None:
    elbv2 = s.client("elbv2")
    subnets, sg_id = s.state["subnet_ids"], s.state["sg_id"]
    for name, kind in (("web-alb", "application"), ("tcp-nlb", "network")):
        lb = elbv2.create_load_balancer(
            Name=name,
            Subnets=subnets,
            Type=kind,
            Tags=s.tag_list(name),
            **({"SecurityGroups": [sg_id]} if kind == "application" else {}),
        )["LoadBalancers"][0]
        s.record("elbv2:load-balancer", name, arn=lb["LoadBalancerArn"], tags=s.tag_dict(name))
    s.client("elb").create_load_balancer(
        LoadBalancerName="legacy-elb",
        Subnets=subnets[:1],
        SecurityGroups=[sg_id],
        Tags=s.tag_list("legacy-elb"),
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
    )
    s.record(
        "elb:load-balancer",
        "legacy-elb",
        arn=s.arn("elasticloadbalancing", "loadbalancer/legacy-elb"),
        tags=s.tag_dict("legacy-elb"),
    )
    template_id = s.client("ec2").create_launch_template(
        LaunchTemplateName="web-template",
        LaunchTemplateData={"ImageId": s.state["image_id"], "InstanceType": "t3.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling = s.client("autoscaling")
    tags = [{**t, "PropagateAtLaunch": False} for t in s.tag_list("web-asg")]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="web-asg",
        MinSize=1,
        MaxSize=2,
        DesiredCapacity=1,
        Tags=tags,
        LaunchTemplate={"LaunchTemplateId": template_id, "Version": "$Latest"},
        VPCZoneIdentifier=",".join(subnets),
    )
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["web-asg"])["AutoScalingGroups"][0]
    s.record("autoscaling:group", "web-asg", arn=group["AutoScalingGroupARN"], tags=s.tag_dict("web-asg"))
