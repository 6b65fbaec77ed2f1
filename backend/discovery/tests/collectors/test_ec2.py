"""EC2 and VPC collectors against in-process moto."""

from __future__ import annotations

import pytest

from .conftest import ACCOUNT, REGION, assert_common, by_id, collect, refs

TAGS = [{"Key": "Name", "Value": "web-1"}, {"Key": "Environment", "Value": "prod"}]


def _tag_spec(resource_type: str, tags=TAGS) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": tags}]


@pytest.fixture
def network(aws):
    ec2 = aws.client("ec2", REGION)
    vpc = ec2.create_vpc(
        CidrBlock="10.1.0.0/16", TagSpecifications=_tag_spec("vpc", [{"Key": "Name", "Value": "main"}])
    )
    vpc_id = vpc["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.1.0/24", AvailabilityZone=f"{REGION}a")["Subnet"][
        "SubnetId"
    ]
    sg_id = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg_id,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    return {"ec2": ec2, "vpc_id": vpc_id, "subnet_id": subnet_id, "sg_id": sg_id}


def _run_instance(ec2, subnet_id, sg_id, tags=TAGS) -> str:
    image_id = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    reservation = ec2.run_instances(
        ImageId=image_id,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SubnetId=subnet_id,
        SecurityGroupIds=[sg_id],
        TagSpecifications=_tag_spec("instance", tags),
    )
    return reservation["Instances"][0]["InstanceId"]


def test_instance_fields_tags_references(aws, network):
    ec2 = network["ec2"]
    instance_id = _run_instance(ec2, network["subnet_id"], network["sg_id"])
    [resource] = collect(aws, "ec2:instance")
    assert_common(resource, "ec2:instance")
    assert resource.resource_id == instance_id
    assert resource.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance_id}"
    assert resource.name == "web-1"
    assert resource.tags == {"Name": "web-1", "Environment": "prod"}
    assert (resource.raw_state, resource.status) == ("running", "ACTIVE")
    assert resource.attributes["instance_type"] == "t3.micro"
    assert resource.ip_addresses and resource.ip_addresses[0].startswith("10.1.1.")
    assert resource.dns_names
    volume_ids = [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]]
    expected = {("runs_in", "ec2:subnet", network["subnet_id"]), ("depends_on", "ec2:security-group", network["sg_id"])}
    expected |= {("depends_on", "ec2:volume", v) for v in volume_ids}
    assert expected <= refs(resource)


def test_instance_stopped_is_inactive_and_terminated_is_skipped(aws, network):
    ec2 = network["ec2"]
    stopped = _run_instance(ec2, network["subnet_id"], network["sg_id"])
    gone = _run_instance(ec2, network["subnet_id"], network["sg_id"])
    ec2.stop_instances(InstanceIds=[stopped])
    ec2.terminate_instances(InstanceIds=[gone])
    found = by_id(collect(aws, "ec2:instance"))
    assert set(found) == {stopped}
    assert (found[stopped].raw_state, found[stopped].status) == ("stopped", "INACTIVE")


def test_untagged_instance_is_named_by_id(aws, network):
    instance_id = _run_instance(
        network["ec2"], network["subnet_id"], network["sg_id"], tags=[{"Key": "Team", "Value": "a"}]
    )
    [resource] = collect(aws, "ec2:instance")
    assert resource.name == instance_id
    assert resource.tags == {"Team": "a"}


def test_vpc_subnet_security_group(aws, network):
    vpcs = by_id(collect(aws, "ec2:vpc"))
    vpc = vpcs[network["vpc_id"]]
    assert_common(vpc, "ec2:vpc")
    assert vpc.name == "main" and vpc.tags == {"Name": "main"}
    assert vpc.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{network['vpc_id']}"
    assert vpc.attributes["cidr_block"] == "10.1.0.0/16" and vpc.attributes["is_default"] is False
    assert any(v.attributes.get("is_default") for v in vpcs.values())  # moto's default VPC is reported too

    subnet = by_id(collect(aws, "ec2:subnet"))[network["subnet_id"]]
    assert_common(subnet, "ec2:subnet")
    assert subnet.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{network['subnet_id']}"
    assert refs(subnet) == {("runs_in", "ec2:vpc", network["vpc_id"])}

    group = by_id(collect(aws, "ec2:security-group"))[network["sg_id"]]
    assert_common(group, "ec2:security-group")
    assert group.name == "web"
    assert group.attributes["open_to_world"] is True
    assert refs(group) == {("runs_in", "ec2:vpc", network["vpc_id"])}


def test_volume_snapshot_image_and_deleted_volume(aws, network):
    ec2 = network["ec2"]
    volume_id = ec2.create_volume(
        AvailabilityZone=f"{REGION}a", Size=20, VolumeType="gp3", Encrypted=True, TagSpecifications=_tag_spec("volume")
    )["VolumeId"]
    doomed = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    snapshot_id = ec2.create_snapshot(VolumeId=volume_id, TagSpecifications=_tag_spec("snapshot"))["SnapshotId"]
    ec2.delete_volume(VolumeId=doomed)
    instance_id = _run_instance(ec2, network["subnet_id"], network["sg_id"])
    image_id = ec2.create_image(InstanceId=instance_id, Name="golden", TagSpecifications=_tag_spec("image"))["ImageId"]

    volumes = by_id(collect(aws, "ec2:volume"))
    assert doomed not in volumes
    volume = volumes[volume_id]
    assert_common(volume, "ec2:volume")
    assert volume.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{volume_id}"
    assert volume.attributes["size_gib"] == 20 and volume.attributes["encrypted"] is True
    assert volume.tags["Environment"] == "prod" and volume.status == "ACTIVE"

    snapshots = by_id(collect(aws, "ec2:snapshot"))  # owned only: moto's public snapshots are not listed
    assert snapshot_id in snapshots and len(snapshots) <= 3  # ours + those CreateImage made
    snapshot = snapshots[snapshot_id]
    assert snapshot.arn == f"arn:aws:ec2:{REGION}::snapshot/{snapshot_id}"
    assert snapshot.tags["Name"] == "web-1"

    [image] = collect(aws, "ec2:image")  # owned only
    assert_common(image, "ec2:image")
    assert (image.resource_id, image.name) == (image_id, "golden")
    assert image.arn == f"arn:aws:ec2:{REGION}::image/{image_id}"
    assert image.tags["Environment"] == "prod"


def test_elastic_ip_references_instance(aws, network):
    ec2 = network["ec2"]
    instance_id = _run_instance(ec2, network["subnet_id"], network["sg_id"])
    allocation = ec2.allocate_address(
        Domain="vpc", TagSpecifications=_tag_spec("elastic-ip", [{"Key": "Owner", "Value": "ops"}])
    )
    ec2.associate_address(AllocationId=allocation["AllocationId"], InstanceId=instance_id)
    [eip] = collect(aws, "ec2:elastic-ip")
    assert_common(eip, "ec2:elastic-ip")
    assert eip.resource_id == allocation["AllocationId"]
    assert eip.name == allocation["PublicIp"]
    assert eip.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:elastic-ip/{allocation['AllocationId']}"
    assert eip.tags == {"Owner": "ops"}
    assert allocation["PublicIp"] in eip.ip_addresses
    assert refs(eip) == {("connects_to", "ec2:instance", instance_id)}


def test_gateways_and_endpoints(aws, network):
    ec2, vpc_id, subnet_id = network["ec2"], network["vpc_id"], network["subnet_id"]
    igw_id = ec2.create_internet_gateway(TagSpecifications=_tag_spec("internet-gateway"))["InternetGateway"][
        "InternetGatewayId"
    ]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    eip = ec2.allocate_address(Domain="vpc")
    nat_id = ec2.create_nat_gateway(
        SubnetId=subnet_id, AllocationId=eip["AllocationId"], TagSpecifications=_tag_spec("natgateway")
    )["NatGateway"]["NatGatewayId"]
    endpoint_id = ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName=f"com.amazonaws.{REGION}.s3", TagSpecifications=_tag_spec("vpc-endpoint")
    )["VpcEndpoint"]["VpcEndpointId"]
    tgw = ec2.create_transit_gateway(Description="hub", TagSpecifications=_tag_spec("transit-gateway"))[
        "TransitGateway"
    ]

    igw = by_id(collect(aws, "ec2:internet-gateway"))[igw_id]
    assert igw.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:internet-gateway/{igw_id}"
    assert igw.name == "web-1" and refs(igw) == {("connects_to", "ec2:vpc", vpc_id)}

    [nat] = collect(aws, "ec2:nat-gateway")
    assert_common(nat, "ec2:nat-gateway")
    assert nat.resource_id == nat_id and nat.tags["Environment"] == "prod"
    assert nat.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:natgateway/{nat_id}"
    assert refs(nat) == {("runs_in", "ec2:subnet", subnet_id), ("runs_in", "ec2:vpc", vpc_id)}
    assert eip["PublicIp"] in nat.ip_addresses

    [endpoint] = collect(aws, "ec2:vpc-endpoint")
    assert_common(endpoint, "ec2:vpc-endpoint")
    assert endpoint.resource_id == endpoint_id and endpoint.tags["Name"] == "web-1"
    assert ("runs_in", "ec2:vpc", vpc_id) in refs(endpoint)

    [tgw_resource] = collect(aws, "ec2:transit-gateway")
    assert_common(tgw_resource, "ec2:transit-gateway")
    assert tgw_resource.arn == tgw["TransitGatewayArn"]
    assert tgw_resource.name == "web-1" and tgw_resource.status == "ACTIVE"
    ec2.delete_transit_gateway(TransitGatewayId=tgw["TransitGatewayId"])
    assert collect(aws, "ec2:transit-gateway") == []
