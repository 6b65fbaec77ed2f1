"""SQS, SNS, Kinesis, MSK and Step Functions collectors against in-process moto."""

from __future__ import annotations

import json

from .conftest import ACCOUNT, REGION, assert_common, by_id, collect, refs
from .helpers import default_network, make_role


def test_sqs_queues_tags_and_dead_letter_reference(aws):
    sqs = aws.client("sqs", REGION)
    dlq_url = sqs.create_queue(QueueName="orders-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(
        QueueName="orders.fifo",
        Attributes={
            "FifoQueue": "true",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}),
        },
        tags={"Owner": "orders-team"},
    )
    queues = by_id(collect(aws, "sqs:queue"))
    assert set(queues) == {"orders-dlq.fifo", "orders.fifo"}
    fifo = queues["orders.fifo"]
    assert_common(fifo, "sqs:queue")
    assert fifo.arn == f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders.fifo"
    assert fifo.tags == {"Owner": "orders-team"} and queues["orders-dlq.fifo"].tags == {}
    assert fifo.attributes["fifo"] is True
    assert refs(fifo) == {("depends_on", "", dlq_arn)}


def test_sns_topic(aws):
    sns = aws.client("sns", REGION)
    topic_arn = sns.create_topic(Name="alerts", Tags=[{"Key": "Owner", "Value": "ops"}])["TopicArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint="ops@example.com")
    [topic] = collect(aws, "sns:topic")
    assert_common(topic, "sns:topic")
    assert (topic.resource_id, topic.arn) == ("alerts", f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts")
    assert topic.tags == {"Owner": "ops"}
    assert topic.attributes["fifo"] is False


def test_kinesis_stream(aws):
    kinesis = aws.client("kinesis", REGION)
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.add_tags_to_stream(StreamName="clicks", Tags={"Owner": "analytics"})
    [stream] = collect(aws, "kinesis:stream")
    assert_common(stream, "kinesis:stream")
    assert stream.arn == f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/clicks"
    assert stream.tags == {"Owner": "analytics"}
    assert (stream.raw_state, stream.status) == ("ACTIVE", "ACTIVE")
    assert stream.attributes["open_shards"] == 2


def test_msk_cluster(aws):
    net = default_network(aws, REGION)
    kafka = aws.client("kafka", REGION)
    cluster_arn = kafka.create_cluster_v2(
        ClusterName="events",
        Provisioned={
            "BrokerNodeGroupInfo": {
                "InstanceType": "kafka.m5.large",
                "ClientSubnets": net["subnet_ids"][:2],
                "SecurityGroups": [net["sg_id"]],
            },
            "KafkaVersion": "3.6.0",
            "NumberOfBrokerNodes": 2,
        },
        Tags={"Owner": "streaming"},
    )["ClusterArn"]
    [cluster] = collect(aws, "kafka:cluster")
    assert_common(cluster, "kafka:cluster")
    assert (cluster.resource_id, cluster.arn) == ("events", cluster_arn)  # moto's ARNs are random per run
    assert cluster.tags == {"Owner": "streaming"}
    assert (cluster.raw_state, cluster.status) == ("CREATING", "ACTIVE")
    assert {("depends_on", "ec2:subnet", s) for s in net["subnet_ids"][:2]} <= refs(cluster)


def test_step_functions_state_machine(aws):
    role = make_role(aws, "sfn-role")
    sfn = aws.client("stepfunctions", REGION)
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    machine_arn = sfn.create_state_machine(
        name="nightly", definition=definition, roleArn=role, tags=[{"key": "Owner", "value": "batch"}]
    )["stateMachineArn"]
    [machine] = collect(aws, "stepfunctions:state-machine")
    assert_common(machine, "stepfunctions:state-machine")
    assert (machine.resource_id, machine.arn) == ("nightly", machine_arn)
    assert machine.arn == f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:nightly"
    assert machine.tags == {"Owner": "batch"}
    assert refs(machine) == {("depends_on", "", role)}
