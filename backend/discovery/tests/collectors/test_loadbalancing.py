"""elbv2, classic ELB and Auto Scaling collectors against in-process moto."""

from __future__ import annotations

from .conftest import ACCOUNT, REGION, assert_common, by_id, collect, refs
from .helpers import default_network


def test_elbv2_application_and_network_with_batched_tags(aws):
    net = default_network(aws, REGION)
    elbv2 = aws.client("elbv2", REGION)
    created = {}
    for n in range(22):  # more than one DescribeTags batch of 20
        kind = "network" if n % 2 else "application"
        lb = elbv2.create_load_balancer(
            Name=f"lb-{n}",
            Subnets=net["subnet_ids"][:2],
            SecurityGroups=[net["sg_id"]] if kind == "application" else [],
            Type=kind,
            Tags=[{"Key": "Index", "Value": str(n)}],
        )["LoadBalancers"][0]
        created[lb["LoadBalancerName"]] = lb
    found = by_id(collect(aws, "elbv2:load-balancer"))
    assert set(found) == set(created)
    for name, lb in created.items():
        resource = found[name]
        assert resource.arn == lb["LoadBalancerArn"]
        assert resource.tags == {"Index": name.split("-")[1]}
    alb, nlb = found["lb-0"], found["lb-1"]
    assert_common(alb, "elbv2:load-balancer")
    assert alb.arn.startswith(f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/")
    assert (alb.attributes["type"], nlb.attributes["type"]) == ("application", "network")
    assert alb.dns_names == [created["lb-0"]["DNSName"]]
    assert alb.status == "ACTIVE"
    assert ("runs_in", "ec2:vpc", net["vpc_id"]) in refs(alb)
    assert {("depends_on", "ec2:subnet", s) for s in net["subnet_ids"][:2]} <= refs(alb)
    assert ("depends_on", "ec2:security-group", net["sg_id"]) in refs(alb)


def test_classic_elb(aws):
    net = default_network(aws, REGION)
    elb = aws.client("elb", REGION)
    lb = elb.create_load_balancer(
        LoadBalancerName="legacy",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        Subnets=net["subnet_ids"][:1],
        SecurityGroups=[net["sg_id"]],
        Tags=[{"Key": "Owner", "Value": "legacy-team"}],
    )
    [resource] = collect(aws, "elb:load-balancer")
    assert_common(resource, "elb:load-balancer")
    assert resource.arn == f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/legacy"
    assert resource.tags == {"Owner": "legacy-team"}
    assert resource.dns_names == [lb["DNSName"]]
    assert resource.attributes["listener_ports"] == [80]
    assert ("runs_in", "ec2:vpc", net["vpc_id"]) in refs(resource)
    assert ("depends_on", "ec2:subnet", net["subnet_ids"][0]) in refs(resource)


def test_auto_scaling_group(aws):
    net = default_network(aws, REGION)
    ec2 = aws.client("ec2", REGION)
    image_id = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    template = ec2.create_launch_template(
        LaunchTemplateName="web", LaunchTemplateData={"ImageId": image_id, "InstanceType": "t3.micro"}
    )["LaunchTemplate"]
    autoscaling = aws.client("autoscaling", REGION)
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="web-asg",
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Latest"},
        MinSize=1,
        MaxSize=3,
        DesiredCapacity=2,
        VPCZoneIdentifier=",".join(net["subnet_ids"][:2]),
        Tags=[{"Key": "Environment", "Value": "prod", "PropagateAtLaunch": True}],
    )
    [group] = collect(aws, "autoscaling:group")
    assert_common(group, "autoscaling:group")
    assert group.arn.startswith(f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:")
    assert group.tags == {"Environment": "prod"}
    assert group.status == "ACTIVE"
    assert group.attributes["desired_capacity"] == 2 and group.attributes["launch_template"] == "web"
    assert {("runs_in", "ec2:subnet", s) for s in net["subnet_ids"][:2]} <= refs(group)
    assert ("depends_on", "ec2:launch-template", template["LaunchTemplateId"]) in refs(group)
    instances = [r for r in refs(group) if r[1] == "ec2:instance"]
    assert len(instances) == 2 and all(r[0] == "contains" for r in instances)
