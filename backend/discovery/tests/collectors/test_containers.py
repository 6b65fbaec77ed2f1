"""EKS, ECS, ECR and Lambda collectors against in-process moto."""

from __future__ import annotations

from .conftest import ACCOUNT, REGION, assert_common, by_id, collect, refs
from .helpers import default_network, lambda_zip, make_role


def test_eks_cluster_and_nodegroup(aws):
    net = default_network(aws, REGION)
    role = make_role(aws, "eks-role")
    eks = aws.client("eks", REGION)
    cluster = eks.create_cluster(
        name="platform",
        roleArn=role,
        version="1.29",
        resourcesVpcConfig={"subnetIds": net["subnet_ids"][:2], "securityGroupIds": [net["sg_id"]]},
        tags={"Environment": "prod"},
    )["cluster"]
    eks.create_nodegroup(
        clusterName="platform",
        nodegroupName="workers",
        subnets=net["subnet_ids"][:2],
        nodeRole=role,
        instanceTypes=["m6i.large"],
        tags={"Owner": "platform-team"},
    )

    [resource] = collect(aws, "eks:cluster")
    assert_common(resource, "eks:cluster")
    assert (resource.resource_id, resource.arn) == ("platform", cluster["arn"])
    assert resource.arn == f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/platform"
    assert resource.tags == {"Environment": "prod"}
    assert resource.status == "ACTIVE"
    assert resource.attributes["version"] == "1.29"
    assert {("depends_on", "ec2:subnet", s) for s in net["subnet_ids"][:2]} <= refs(resource)
    assert ("depends_on", "", role) in refs(resource)

    [group] = collect(aws, "eks:nodegroup")
    assert_common(group, "eks:nodegroup")
    assert (group.resource_id, group.name) == ("platform/workers", "workers")
    assert group.arn.startswith(f"arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/platform/workers/")
    assert group.tags == {"Owner": "platform-team"}
    assert ("runs_in", "eks:cluster", "platform") in refs(group)
    assert group.attributes["instance_types"] == ["m6i.large"]


def test_ecs_clusters_services_and_inactive_cluster_skipped(aws):
    net = default_network(aws, REGION)
    ecs = aws.client("ecs", REGION)
    cluster_arn = ecs.create_cluster(clusterName="apps", tags=[{"key": "Environment", "value": "prod"}])["cluster"][
        "clusterArn"
    ]
    ecs.create_cluster(clusterName="old")
    ecs.delete_cluster(cluster="old")  # moto keeps it listed as INACTIVE
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}])
    service = ecs.create_service(
        cluster="apps",
        serviceName="web",
        taskDefinition="web",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": net["subnet_ids"][:1], "securityGroups": [net["sg_id"]]}
        },
        tags=[{"key": "Owner", "value": "web-team"}],
    )["service"]

    [cluster] = collect(aws, "ecs:cluster")
    assert_common(cluster, "ecs:cluster")
    assert (cluster.resource_id, cluster.arn) == ("apps", cluster_arn)
    assert cluster.tags == {"Environment": "prod"} and cluster.status == "ACTIVE"

    [svc] = collect(aws, "ecs:service")
    assert_common(svc, "ecs:service")
    assert (svc.resource_id, svc.name, svc.arn) == ("apps/web", "web", service["serviceArn"])
    assert svc.tags == {"Owner": "web-team"}
    assert ("runs_in", "", cluster_arn) in refs(svc)
    assert ("depends_on", "ec2:subnet", net["subnet_ids"][0]) in refs(svc)
    assert svc.attributes["desired_count"] == 2 and svc.attributes["launch_type"] == "FARGATE"


def test_ecr_repository(aws):
    ecr = aws.client("ecr", REGION)
    repo = ecr.create_repository(
        repositoryName="team/api",
        imageScanningConfiguration={"scanOnPush": True},
        tags=[{"Key": "Owner", "Value": "api-team"}],
    )["repository"]
    [resource] = collect(aws, "ecr:repository")
    assert_common(resource, "ecr:repository")
    assert (resource.resource_id, resource.arn) == ("team/api", repo["repositoryArn"])
    assert resource.arn == f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/team/api"
    assert resource.tags == {"Owner": "api-team"}
    assert resource.attributes["scan_on_push"] is True


def test_lambda_functions_tags_via_tagging_api(aws):
    net = default_network(aws, REGION)
    role = make_role(aws)
    client = aws.client("lambda", REGION)
    for n in range(3):
        client.create_function(
            FunctionName=f"fn-{n}",
            Runtime="python3.12",
            Role=role,
            Handler="handler.handler",
            Code={"ZipFile": lambda_zip()},
            MemorySize=256,
            Tags={"Index": str(n)} if n else {},
            VpcConfig={"SubnetIds": net["subnet_ids"][:1], "SecurityGroupIds": [net["sg_id"]]} if n == 1 else {},
        )
    functions = by_id(collect(aws, "lambda:function"))
    assert set(functions) == {"fn-0", "fn-1", "fn-2"}
    fn = functions["fn-1"]
    assert_common(fn, "lambda:function")
    assert fn.arn == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn-1"
    assert fn.tags == {"Index": "1"} and functions["fn-0"].tags == {}
    assert fn.attributes["runtime"] == "python3.12" and fn.attributes["memory_mb"] == 256
    assert ("depends_on", "", role) in refs(fn)
    assert ("runs_in", "ec2:subnet", net["subnet_ids"][0]) in refs(fn)
    # moto answers a fixed placeholder VpcId in VpcConfig; the reference follows whatever AWS reports.
    assert ("runs_in", "ec2:vpc", fn.attributes["vpc_id"]) in refs(fn)
