"""RDS, ElastiCache, DynamoDB and Redshift collectors against in-process moto."""

from __future__ import annotations

from .conftest import ACCOUNT, REGION, assert_common, by_id, collect, refs
from .helpers import default_network

TAGS = [{"Key": "Environment", "Value": "prod"}, {"Key": "Owner", "Value": "dba"}]


def test_rds_instance_and_cluster(aws):
    net = default_network(aws, REGION)
    rds = aws.client("rds", REGION)
    rds.create_db_subnet_group(
        DBSubnetGroupName="db-subnets", DBSubnetGroupDescription="db", SubnetIds=net["subnet_ids"][:2]
    )
    rds.create_db_instance(
        DBInstanceIdentifier="orders-db",
        Engine="mariadb",
        EngineVersion="10.11.6",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="Secr3t-pass",
        DBSubnetGroupName="db-subnets",
        VpcSecurityGroupIds=[net["sg_id"]],
        StorageEncrypted=True,
        Tags=TAGS,
    )
    rds.create_db_cluster(
        DBClusterIdentifier="analytics",
        Engine="aurora-postgresql",
        EngineVersion="15.4",
        MasterUsername="admin",
        MasterUserPassword="Secr3t-pass",
        DBSubnetGroupName="db-subnets",
        VpcSecurityGroupIds=[net["sg_id"]],
        Tags=[{"Key": "Name", "Value": "Analytics"}],
    )

    [db] = collect(aws, "rds:db-instance")
    assert_common(db, "rds:db-instance")
    assert db.arn == f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-db"
    assert db.tags == {"Environment": "prod", "Owner": "dba"}
    assert (db.raw_state, db.status) == ("available", "ACTIVE")
    assert db.attributes["engine"] == "mariadb" and db.attributes["storage_encrypted"] is True
    assert db.dns_names and db.dns_names[0].startswith("orders-db.")
    expected = {("runs_in", "ec2:vpc", net["vpc_id"]), ("depends_on", "ec2:security-group", net["sg_id"])}
    expected |= {("depends_on", "ec2:subnet", s) for s in net["subnet_ids"][:2]}
    assert expected <= refs(db)

    [cluster] = collect(aws, "rds:db-cluster")
    assert_common(cluster, "rds:db-cluster")
    assert cluster.arn == f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:analytics"
    assert cluster.name == "analytics" and cluster.tags == {"Name": "Analytics"}
    assert cluster.attributes["engine"] == "aurora-postgresql"
    assert expected <= refs(cluster)
    assert cluster.dns_names


def test_elasticache_clusters_groups_and_deleting_skipped(aws):
    net = default_network(aws, REGION)
    cache = aws.client("elasticache", REGION)
    cache.create_cache_subnet_group(
        CacheSubnetGroupName="cache-subnets", CacheSubnetGroupDescription="c", SubnetIds=net["subnet_ids"][:2]
    )
    cache.create_cache_cluster(
        CacheClusterId="sessions",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
        CacheSubnetGroupName="cache-subnets",
        Tags=TAGS,
    )
    cache.create_cache_cluster(
        CacheClusterId="old-cache", Engine="memcached", CacheNodeType="cache.t3.micro", NumCacheNodes=1
    )
    cache.delete_cache_cluster(CacheClusterId="old-cache")  # stays listed as "deleting" in moto
    group = cache.create_replication_group(
        ReplicationGroupId="rg-main",
        ReplicationGroupDescription="main redis",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=1,
        CacheSubnetGroupName="cache-subnets",
        Tags=[{"Key": "Owner", "Value": "cache-team"}],
    )["ReplicationGroup"]

    clusters = by_id(collect(aws, "elasticache:cluster"))
    assert "old-cache" not in clusters
    sessions = clusters["sessions"]
    assert_common(sessions, "elasticache:cluster")
    assert sessions.arn == f"arn:aws:elasticache:{REGION}:{ACCOUNT}:cluster:sessions"
    assert sessions.tags == {"Environment": "prod", "Owner": "dba"}
    assert sessions.attributes["engine"] == "redis"
    assert ("runs_in", "ec2:vpc", net["vpc_id"]) in refs(sessions)

    [rg] = collect(aws, "elasticache:replication-group")
    assert_common(rg, "elasticache:replication-group")
    assert rg.resource_id == "rg-main" and rg.arn == group["ARN"]
    assert rg.tags == {"Owner": "cache-team"}
    assert "master.rg-main." in rg.dns_names[0]
    cache.delete_replication_group(ReplicationGroupId="rg-main")
    assert collect(aws, "elasticache:replication-group") == []


def test_dynamodb_table(aws):
    dynamodb = aws.client("dynamodb", REGION)
    dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=TAGS,
    )
    [table] = collect(aws, "dynamodb:table")
    assert_common(table, "dynamodb:table")
    assert table.arn == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
    assert table.tags == {"Environment": "prod", "Owner": "dba"}
    assert table.status == "ACTIVE" and table.attributes["billing_mode"] == "PAY_PER_REQUEST"


def test_redshift_cluster(aws):
    net = default_network(aws, REGION)
    redshift = aws.client("redshift", REGION)
    redshift.create_cluster_subnet_group(
        ClusterSubnetGroupName="rs-subnets", Description="rs", SubnetIds=net["subnet_ids"][:2]
    )
    redshift.create_cluster(
        ClusterIdentifier="warehouse",
        NodeType="ra3.xlplus",
        MasterUsername="admin",
        MasterUserPassword="Secr3t-pass1",
        ClusterSubnetGroupName="rs-subnets",
        VpcSecurityGroupIds=[net["sg_id"]],
        Encrypted=True,
        Tags=TAGS,
    )
    [cluster] = collect(aws, "redshift:cluster")
    assert_common(cluster, "redshift:cluster")
    assert cluster.arn == f"arn:aws:redshift:{REGION}:{ACCOUNT}:cluster:warehouse"
    assert cluster.tags == {"Environment": "prod", "Owner": "dba"}
    assert cluster.attributes["encrypted"] is True
    assert ("runs_in", "ec2:vpc", net["vpc_id"]) in refs(cluster)
    assert cluster.dns_names


def test_elasticache_replication_group_vpc_via_member_clusters(stubbed):
    # Stubber: moto does not list a replication group's member clusters in DescribeCacheClusters, AWS does.
    cache = stubbed.stub("elasticache")
    cache.add_response(
        "describe_cache_subnet_groups",
        {"CacheSubnetGroups": [{"CacheSubnetGroupName": "cache-subnets", "VpcId": "vpc-0abc", "Subnets": []}]},
    )
    cache.add_response(
        "describe_cache_clusters",
        {"CacheClusters": [{"CacheClusterId": "rg-main-001", "CacheSubnetGroupName": "cache-subnets"}]},
    )
    group_arn = f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:rg-main"
    cache.add_response(
        "describe_replication_groups",
        {
            "ReplicationGroups": [
                {
                    "ReplicationGroupId": "rg-main",
                    "Status": "available",
                    "MemberClusters": ["rg-main-001"],
                    "ARN": group_arn,
                }
            ]
        },
    )
    stubbed.stub("resourcegroupstaggingapi").add_response(
        "get_resources",
        {"ResourceTagMappingList": [{"ResourceARN": group_arn, "Tags": [{"Key": "Owner", "Value": "cache-team"}]}]},
    )
    [rg] = collect(stubbed, "elasticache:replication-group")
    assert (rg.arn, rg.tags, rg.status) == (group_arn, {"Owner": "cache-team"}, "ACTIVE")
    assert refs(rg) == {("runs_in", "ec2:vpc", "vpc-0abc")}
