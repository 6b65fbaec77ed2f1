# Run by start-backend.sh through `manage.py shell`: the viewer and editor users the browser tests sign
# in as, plus a small fixed estate the tests can rely on whatever seed_demo/discovery produced.
import os

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import AWSAccount
from assets.models import Asset, Category
from assets.services.history import search_text_for

User = get_user_model()
for name, role in (("editor", "editor"), ("viewer", "viewer")):
    user, _ = User.objects.get_or_create(username=name, defaults={"email": f"{name}@example.com"})
    user.role = role
    user.is_active = True
    user.set_password(os.environ.get(f"E2E_{name.upper()}_PASSWORD", f"{name.title()}-e2e-Passw0rd!"))
    user.save()

Category.objects.get_or_create(name="E2E Infrastructure", defaults={"description": "Created by the e2e seed"})
account, _ = AWSAccount.objects.get_or_create(
    account_id="999900001111", defaults={"name": "e2e-fixture", "environment": "staging", "account_type": "member", "is_active": False}
)
now = timezone.now()
rows = [
    ("e2e-web-1", "ec2", "ec2:instance", "i-0e2e0000000000001", "high"),
    ("e2e-web-2", "ec2", "ec2:instance", "i-0e2e0000000000002", "medium"),
    ("e2e-bucket-logs", "s3", "s3:bucket", "e2e-bucket-logs", "low"),
    ("e2e-db-main", "rds", "rds:db", "e2e-db-main", "critical"),
]
for name, service, rtype, rid, criticality in rows:
    arn = f"arn:aws:{service}:eu-central-1:999900001111:{rid}"
    asset, created = Asset.objects.get_or_create(
        uid=f"e2e-{rid}",
        defaults=dict(
            name=name, asset_type="aws", service=service, resource_type=rtype, resource_id=rid, arn=arn,
            account=account, region="eu-central-1", criticality=criticality, tags={"env": "e2e", "team": "qa"},
            first_seen=now, last_seen=now,
        ),
    )
    if created:
        asset.search_text = search_text_for(asset)
        asset.save(update_fields=["search_text"])
print("e2e seed done:", Asset.objects.count(), "assets")
