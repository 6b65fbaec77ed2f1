import { PageHeader } from '@/components/ui/PageHeader';

export default function AuditLogPage() {
  return <PageHeader title="Audit log" />;
}
