"""One module per AWS service; each exposes SPECS, a tuple of ResourceSpec (see spec.py)."""

# Imported by discovery.registry in this order; a new service module is added here.
MODULES = (
    "ec2",
    "vpc",
    "s3",
    "iam",
    "edge",
    "containers",
    "lambda_",
    "databases",
    "elasticache",
    "loadbalancing",
    "messaging",
    "security",
    "platform",
)
