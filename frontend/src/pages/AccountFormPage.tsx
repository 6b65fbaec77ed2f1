import { useNavigate, useParams } from 'react-router';
import { useAccount, useCreateAccount, useUpdateAccount, type AccountInput } from '@/api/accounts';
import { AccountForm } from '@/components/accounts/AccountForm';
import { PageHeader } from '@/components/ui/PageHeader';
import { QueryBoundary } from '@/components/ui/States';

export default function AccountFormPage() {
  const { id } = useParams();
  const accountId = Number(id ?? 0);
  const account = useAccount(accountId);
  const create = useCreateAccount();
  const update = useUpdateAccount();
  const navigate = useNavigate();
  const back = () => navigate('/accounts');

  if (!id) {
    return (
      <>
        <PageHeader title="Add AWS account" />
        <AccountForm error={create.error} busy={create.isPending} onCancel={back} onSubmit={(payload) => create.mutate(payload as AccountInput, { onSuccess: back })} />
      </>
    );
  }
  return (
    <QueryBoundary query={account}>
      {(data) => (
        <>
          <PageHeader title={`Edit ${data.name}`} subtitle={data.account_id} />
          <AccountForm account={data} error={update.error} busy={update.isPending} onCancel={back} onSubmit={(payload) => update.mutate({ id: accountId, ...payload }, { onSuccess: back })} />
        </>
      )}
    </QueryBoundary>
  );
}
