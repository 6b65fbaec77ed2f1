"""Messaging and streaming: SQS queues, SNS topics, Kinesis streams, MSK clusters, Step Functions.

Tags: SQS, SNS and Step Functions through the Resource Groups Tagging API (one sweep per region,
matched by ARN); Kinesis per stream (ListTagsForStream; moto's Tagging API lacks Kinesis); MSK inline.
"""

from __future__ import annotations

import json

from .common import arn, arn_tail
from .spec import Detail, ItemTags, Ref, ResourceSpec, TaggingApiTags


def _queue_name(item, ctx) -> str:
    return arn_tail(item["_value"])


def _dead_letter_target(item, ctx) -> str | None:
    try:
        return json.loads(item.get("RedrivePolicy") or "{}").get("deadLetterTargetArn")
    except ValueError:
        return None


QUEUE = ResourceSpec(
    resource_type="sqs:queue",
    service="sqs",
    operation="ListQueues",
    result_key="QueueUrls",
    details=(
        Detail(
            operation="GetQueueAttributes",
            params=lambda item, ctx: {"QueueUrl": item["_value"], "AttributeNames": ["All"]},
            result_key="Attributes",
            missing_codes=("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"),
        ),
    ),
    id=_queue_name,
    name=_queue_name,
    arn=lambda item, ctx: item.get("QueueArn") or arn(ctx, "sqs", _queue_name(item, ctx)),
    tags=TaggingApiTags("sqs"),
    attributes={
        "url": "_value",
        "fifo": lambda item, ctx: item.get("FifoQueue") == "true",
        "visibility_timeout_s": "VisibilityTimeout",
        "retention_s": "MessageRetentionPeriod",
        "kms_key_id": "KmsMasterKeyId",
        "sse_managed": lambda item, ctx: item.get("SqsManagedSseEnabled") == "true",
        "dead_letter_target": _dead_letter_target,
    },
    references=(Ref("depends_on", _dead_letter_target),),
    notes="ListQueues gives URLs; GetQueueAttributes per queue for ARN/encryption; tags via Tagging API.",
)

TOPIC = ResourceSpec(
    resource_type="sns:topic",
    service="sns",
    operation="ListTopics",
    result_key="Topics",
    details=(
        Detail(
            operation="GetTopicAttributes",
            params=lambda item, ctx: {"TopicArn": item["TopicArn"]},
            result_key="Attributes",
        ),
    ),
    id=lambda item, ctx: arn_tail(item["TopicArn"], ":"),
    name=lambda item, ctx: arn_tail(item["TopicArn"], ":"),
    arn="TopicArn",
    tags=TaggingApiTags("sns"),
    attributes={
        "display_name": "DisplayName",
        "fifo": lambda item, ctx: item["TopicArn"].endswith(".fifo"),
        "kms_key_id": "KmsMasterKeyId",
        "subscriptions_confirmed": "SubscriptionsConfirmed",
        "subscriptions_pending": "SubscriptionsPending",
    },
)

STREAM = ResourceSpec(
    resource_type="kinesis:stream",
    service="kinesis",
    operation="ListStreams",
    result_key="StreamSummaries",
    details=(
        Detail(
            operation="DescribeStreamSummary",
            params=lambda item, ctx: {"StreamName": item["StreamName"]},
            result_key="StreamDescriptionSummary",
        ),
    ),
    id="StreamName",
    name="StreamName",
    arn="StreamARN",
    state="StreamStatus",
    inactive_states=frozenset({"deleting"}),
    tags=ItemTags(
        operation="ListTagsForStream",
        params=lambda item, ctx: {"StreamName": item["StreamName"]},
        result_key="Tags",
        missing_codes=("ResourceNotFoundException",),
    ),
    attributes={
        "mode": "StreamModeDetails.StreamMode",
        "open_shards": "OpenShardCount",
        "retention_hours": "RetentionPeriodHours",
        "encryption": "EncryptionType",
        "kms_key_id": "KeyId",
        "created": "StreamCreationTimestamp",
    },
    notes="Tags per stream (ListTagsForStream): moto's Tagging API does not cover Kinesis.",
)

MSK_CLUSTER = ResourceSpec(
    resource_type="kafka:cluster",
    service="kafka",
    operation="ListClustersV2",
    result_key="ClusterInfoList",
    id="ClusterName",
    name="ClusterName",
    arn="ClusterArn",
    state="State",
    active_states=frozenset({"active", "creating", "updating", "healing", "maintenance", "rebooting_broker"}),
    inactive_states=frozenset({"failed", "deleting"}),
    tags="Tags",
    attributes={
        "cluster_type": "ClusterType",
        "kafka_version": "Provisioned.CurrentBrokerSoftwareInfo.KafkaVersion",
        "broker_count": "Provisioned.NumberOfBrokerNodes",
        "instance_type": "Provisioned.BrokerNodeGroupInfo.InstanceType",
        "encryption_in_transit": "Provisioned.EncryptionInfo.EncryptionInTransit.ClientBroker",
        "created": "CreationTime",
    },
    references=(
        Ref(
            "depends_on",
            "Provisioned.BrokerNodeGroupInfo.ClientSubnets || Serverless.VpcConfigs[].SubnetIds[]",
            "ec2:subnet",
        ),
        Ref(
            "depends_on",
            "Provisioned.BrokerNodeGroupInfo.SecurityGroups || Serverless.VpcConfigs[].SecurityGroupIds[]",
            "ec2:security-group",
        ),
    ),
)

STATE_MACHINE = ResourceSpec(
    resource_type="stepfunctions:state-machine",
    service="stepfunctions",
    operation="ListStateMachines",
    result_key="stateMachines",
    details=(
        Detail(
            operation="DescribeStateMachine",
            params=lambda item, ctx: {"stateMachineArn": item["stateMachineArn"]},
            missing_codes=("StateMachineDoesNotExist",),
        ),
    ),
    id="name",
    name="name",
    arn="stateMachineArn",
    state="status",
    gone_states=frozenset({"deleting"}),
    tags=TaggingApiTags("states"),
    attributes={
        "type": "type",
        "role_arn": "roleArn",
        "logging_level": "loggingConfiguration.level",
        "tracing": "tracingConfiguration.enabled",
        "created": "creationDate",
    },
    references=(Ref("depends_on", "roleArn"),),
)

SPECS = (QUEUE, TOPIC, STREAM, MSK_CLUSTER, STATE_MACHINE)
