"""Demo estate: containers, serverless, databases and caches (one account/region)."""

from __future__ import annotations

import io
import zipfile

from .seeder import Seeder


def lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def seed_containers(s: Seeder) -> None:
    subnets, sg_id, role_arn = s.state["subnet_ids"], s.state["sg_id"], s.state["eks_role_arn"]
    eks = s.client("eks")
    cluster = eks.create_cluster(
        name="platform",
        roleArn=role_arn,
        version="1.30",
        tags=s.tag_dict("platform"),
        resourcesVpcConfig={"subnetIds": subnets, "securityGroupIds": [sg_id]},
    )["cluster"]
    s.record("eks:cluster", "platform", arn=cluster["arn"], tags=s.tag_dict("platform"))
    group = eks.create_nodegroup(
        clusterName="platform",
        nodegroupName="workers",
        subnets=subnets,
        nodeRole=role_arn,
        instanceTypes=["m6i.large"],
        tags=s.tag_dict("workers"),
    )["nodegroup"]
    s.record("eks:nodegroup", "platform/workers", arn=group["nodegroupArn"], name="workers", tags=s.tag_dict("workers"))

    ecs = s.client("ecs")
    tags = [{"key": k, "value": v} for k, v in s.tag_dict("apps").items()]
    cluster_arn = ecs.create_cluster(clusterName="apps", tags=tags)["cluster"]["clusterArn"]
    s.record("ecs:cluster", "apps", arn=cluster_arn, tags=s.tag_dict("apps"))
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 256}])
    service = ecs.create_service(
        cluster="apps",
        serviceName="web",
        taskDefinition="web",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg_id]}},
        tags=[{"key": k, "value": v} for k, v in s.tag_dict("web").items()],
    )["service"]
    s.record("ecs:service", "apps/web", arn=service["serviceArn"], name="web", tags=s.tag_dict("web"))

    repo = s.client("ecr").create_repository(repositoryName="team/web", tags=s.tag_list("team/web"))["repository"]
    s.record("ecr:repository", "team/web", arn=repo["repositoryArn"], tags=s.tag_dict("team/web"))


def seed_serverless(s: Seeder) -> None:
    client = s.client("lambda")
    for n in range(s.scale):
        name = f"orders-handler-{n + 1}"
        fn = client.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=s.state["lambda_role_arn"],
            Handler="handler.handler",
            Code={"ZipFile": lambda_zip()},
            MemorySize=256,
            Tags=s.tag_dict(name, n),
            VpcConfig={"SubnetIds": s.state["subnet_ids"], "SecurityGroupIds": [s.state["sg_id"]]},
        )
        s.record("lambda:function", name, arn=fn["FunctionArn"], tags=s.tag_dict(name, n))


def seed_databases(s: Seeder) -> None:
    subnets, sg_id = s.state["subnet_ids"], s.state["sg_id"]
    rds = s.client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="db-subnets", DBSubnetGroupDescription="db", SubnetIds=subnets)
    db = rds.create_db_instance(
        DBInstanceIdentifier="orders-db",
        Engine="mariadb",
        EngineVersion="10.11.6",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="Demo-pass-123",
        StorageEncrypted=True,
        DBSubnetGroupName="db-subnets",
        VpcSecurityGroupIds=[sg_id],
        Tags=s.tag_list("orders-db"),
    )["DBInstance"]
    s.record("rds:db-instance", "orders-db", arn=db["DBInstanceArn"], tags=s.tag_dict("orders-db"))
    cluster = rds.create_db_cluster(
        DBClusterIdentifier="analytics",
        Engine="aurora-postgresql",
        EngineVersion="15.4",
        MasterUsername="admin",
        MasterUserPassword="Demo-pass-123",
        DBSubnetGroupName="db-subnets",
        VpcSecurityGroupIds=[sg_id],
        Tags=s.tag_list("analytics"),
    )["DBCluster"]
    s.record("rds:db-cluster", "analytics", arn=cluster["DBClusterArn"], tags=s.tag_dict("analytics"))

    cache = s.client("elasticache")
    cache.create_cache_subnet_group(
        CacheSubnetGroupName="cache-subnets", CacheSubnetGroupDescription="cache", SubnetIds=subnets
    )
    cache.create_cache_cluster(
        CacheClusterId="sessions",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
        CacheSubnetGroupName="cache-subnets",
        Tags=s.tag_list("sessions"),
    )
    s.record(
        "elasticache:cluster", "sessions", arn=s.arn("elasticache", "cluster:sessions"), tags=s.tag_dict("sessions")
    )
    group = cache.create_replication_group(
        ReplicationGroupId="catalog-cache",
        ReplicationGroupDescription="catalog",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=1,
        CacheSubnetGroupName="cache-subnets",
        Tags=s.tag_list("catalog-cache"),
    )["ReplicationGroup"]
    s.record("elasticache:replication-group", "catalog-cache", arn=group["ARN"], tags=s.tag_dict("catalog-cache"))

    dynamodb = s.client("dynamodb")
    for n in range(s.scale):
        name = f"orders-{n + 1}"
        table = dynamodb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            Tags=s.tag_list(name, n),
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        )["TableDescription"]
        s.record("dynamodb:table", name, arn=table["TableArn"], tags=s.tag_dict(name, n))

    redshift = s.client("redshift")
    redshift.create_cluster_subnet_group(ClusterSubnetGroupName="dwh-subnets", Description="dwh", SubnetIds=subnets)
    redshift.create_cluster(
        ClusterIdentifier="warehouse",
        NodeType="ra3.xlplus",
        MasterUsername="admin",
        MasterUserPassword="Demo-pass-123",
        ClusterSubnetGroupName="dwh-subnets",
        VpcSecurityGroupIds=[sg_id],
        Encrypted=True,
        Tags=s.tag_list("warehouse"),
    )
    s.record("redshift:cluster", "warehouse", arn=s.arn("redshift", "cluster:warehouse"), tags=s.tag_dict("warehouse"))
