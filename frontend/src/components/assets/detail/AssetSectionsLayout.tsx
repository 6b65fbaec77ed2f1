import type { Asset } from '@/api/assets';
import { AttributesSection, AwsSection, GeneralSection, NetworkSection, OwnershipSection, TagsSection } from './AssetSections';
import { HistoryTimeline } from './HistoryTimeline';
import { RelationshipsSection } from './RelationshipsSection';

interface AssetSectionsProps {
  asset: Asset;
  onMarkReviewed: () => void;
  reviewing: boolean;
}

export function AssetSections({ asset, onMarkReviewed, reviewing }: AssetSectionsProps) {
  return (
    <div className="row g-3">
      <div className="col-xl-6">
        <GeneralSection asset={asset} />
        {asset.is_aws && <AwsSection asset={asset} />}
        <OwnershipSection asset={asset} onMarkReviewed={onMarkReviewed} reviewing={reviewing} />
        <TagsSection tags={asset.tags ?? {}} />
      </div>
      <div className="col-xl-6">
        <RelationshipsSection assetId={asset.id} />
        {((asset.ip_addresses ?? []).length > 0 || (asset.dns_names ?? []).length > 0 || asset.is_aws) && <NetworkSection asset={asset} />}
        <AttributesSection attributes={(asset.attributes ?? {}) as Record<string, unknown>} />
        <HistoryTimeline assetId={asset.id} />
      </div>
    </div>
  );
}
