"""Demo estate: messaging, security and platform services (one account/region)."""

from __future__ import annotations

import json

from .seeder import Seeder


def seed_messaging(s: Seeder) -> None:
    sqs = s.client("sqs")
    for n in range(2 * s.scale):
        name = f"jobs-{n + 1:03d}"
        sqs.create_queue(QueueName=name, tags=s.tag_dict(name, n))
        s.record("sqs:queue", name, arn=s.arn("sqs", name), tags=s.tag_dict(name, n))
    topic_arn = s.client("sns").create_topic(Name="alerts", Tags=s.tag_list("alerts"))["TopicArn"]
    s.record("sns:topic", "alerts", arn=topic_arn, tags=s.tag_dict("alerts"))
    kinesis = s.client("kinesis")
    kinesis.create_stream(StreamName="clickstream", ShardCount=1)
    kinesis.add_tags_to_stream(StreamName="clickstream", Tags=s.tag_dict("clickstream"))
    s.record(
        "kinesis:stream", "clickstream", arn=s.arn("kinesis", "stream/clickstream"), tags=s.tag_dict("clickstream")
    )
    cluster_arn = s.client("kafka").create_cluster_v2(
        ClusterName="events",
        Tags=s.tag_dict("events"),
        Provisioned={
            "BrokerNodeGroupInfo": {
                "InstanceType": "kafka.m5.large",
                "ClientSubnets": s.state["subnet_ids"],
                "SecurityGroups": [s.state["sg_id"]],
            },
            "KafkaVersion": "3.6.0",
            "NumberOfBrokerNodes": 2,
        },
    )["ClusterArn"]
    s.record("kafka:cluster", "events", arn=cluster_arn, tags=s.tag_dict("events"))
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    machine_arn = s.client("stepfunctions").create_state_machine(
        name="nightly-export",
        definition=definition,
        roleArn=s.state["sfn_role_arn"],
        tags=[{"key": k, "value": v} for k, v in s.tag_dict("nightly-export").items()],
    )["stateMachineArn"]
    s.record("stepfunctions:state-machine", "nightly-export", arn=machine_arn, tags=s.tag_dict("nightly-export"))


def seed_security(s: Seeder) -> None:
    kms = s.client("kms")
    key = kms.create_key(
        Description="application data", Tags=[{"TagKey": k, "TagValue": v} for k, v in s.tag_dict("app-data").items()]
    )["KeyMetadata"]
    kms.create_alias(AliasName="alias/app-data", TargetKeyId=key["KeyId"])
    s.record("kms:key", key["KeyId"], arn=key["Arn"], name="alias/app-data", tags=s.tag_dict("app-data"))
    secret = s.client("secretsmanager").create_secret(
        Name="prod/orders-db", SecretString="demo", KmsKeyId=key["KeyId"], Tags=s.tag_list("prod/orders-db")
    )
    s.record("secretsmanager:secret", "prod/orders-db", arn=secret["ARN"], tags=s.tag_dict("prod/orders-db"))
    domain = f"shop-{s.account_id[-4:]}.example.com"
    cert_arn = s.client("acm").request_certificate(DomainName=domain, Tags=s.tag_list(domain))["CertificateArn"]
    s.record("acm:certificate", cert_arn.rsplit("/", 1)[-1], arn=cert_arn, name=domain, tags=s.tag_dict(domain))
    pool = s.client("cognito-idp").create_user_pool(PoolName="customers", UserPoolTags=s.tag_dict("customers"))[
        "UserPool"
    ]
    s.record(
        "cognito-idp:user-pool",
        pool["Id"],
        arn=pool.get("Arn") or s.arn("cognito-idp", f"userpool/{pool['Id']}"),
        name="customers",
        tags=s.tag_dict("customers"),
    )


def seed_platform(s: Seeder) -> None:
    domain = s.client("opensearch").create_domain(
        DomainName="search",
        EngineVersion="OpenSearch_2.11",
        TagList=s.tag_list("search"),
        VPCOptions={"SubnetIds": s.state["subnet_ids"][:1], "SecurityGroupIds": [s.state["sg_id"]]},
        EncryptionAtRestOptions={"Enabled": True},
    )["DomainStatus"]
    s.record("opensearch:domain", "search", arn=domain["ARN"], tags=s.tag_dict("search"))
    efs = s.client("efs")
    fs = efs.create_file_system(CreationToken=f"shared-{s.region}", Encrypted=True, Tags=s.tag_list("shared-files"))
    efs.create_mount_target(FileSystemId=fs["FileSystemId"], SubnetId=s.state["subnet_ids"][1])
    s.record(
        "efs:file-system",
        fs["FileSystemId"],
        arn=fs["FileSystemArn"],
        name="shared-files",
        tags=s.tag_dict("shared-files"),
    )
    template = {
        "Resources": {
            "Flag": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Name": f"/demo/{s.region}/flag", "Type": "String", "Value": "on"},
            }
        }
    }
    stack_id = s.client("cloudformation").create_stack(
        StackName="baseline", TemplateBody=json.dumps(template), Tags=s.tag_list("baseline")
    )["StackId"]
    s.record("cloudformation:stack", "baseline", arn=stack_id, tags=s.tag_dict("baseline"))
    rest = s.client("apigateway").create_rest_api(name="orders-api", tags=s.tag_dict("orders-api"))
    s.record(
        "apigateway:rest-api",
        rest["id"],
        arn=f"arn:aws:apigateway:{s.region}::/restapis/{rest['id']}",
        name="orders-api",
        tags=s.tag_dict("orders-api"),
    )
    http = s.client("apigatewayv2").create_api(Name="webhooks", ProtocolType="HTTP", Tags=s.tag_dict("webhooks"))
    s.record(
        "apigatewayv2:api",
        http["ApiId"],
        arn=f"arn:aws:apigateway:{s.region}::/apis/{http['ApiId']}",
        name="webhooks",
        tags=s.tag_dict("webhooks"),
    )
    logs = s.client("logs")
    for n in range(s.scale):
        name = f"/app/orders-{n + 1}"
        logs.create_log_group(logGroupName=name, tags=s.tag_dict(name, n))
        logs.put_retention_policy(logGroupName=name, retentionInDays=30)
        s.record("logs:log-group", name, arn=s.arn("logs", f"log-group:{name}"), tags=s.tag_dict(name, n))
