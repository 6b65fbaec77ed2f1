import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useCategories, useCreateCategory, useDeleteCategory, useUpdateCategory, type Category } from '@/api/categories';
import { useAuth } from '@/contexts/AuthContext';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { FormAlert, TextAreaField, TextField } from '@/components/ui/FormField';
import { Icon } from '@/components/ui/Icon';
import { Modal } from '@/components/ui/Modal';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState, QueryBoundary } from '@/components/ui/States';
import { splitErrors } from '@/lib/formErrors';
import { formatNumber } from '@/lib/format';

function CategoryModal({ category, onClose }: { category?: Category; onClose: () => void }) {
  const [name, setName] = useState(category?.name ?? '');
  const [description, setDescription] = useState(category?.description ?? '');
  const [color, setColor] = useState(category?.color || '#6c757d');
  const create = useCreateCategory();
  const update = useUpdateCategory();
  const mutation = category ? update : create;
  const { fieldErrors, formError } = splitErrors(mutation.error, ['name', 'description', 'color']);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = { name, description, color };
    if (category) update.mutate({ id: category.id, ...input }, { onSuccess: onClose });
    else create.mutate(input, { onSuccess: onClose });
  }

  return (
    <Modal title={category ? `Edit category ${category.name}` : 'New category'} onClose={onClose}>
      <form onSubmit={onSubmit}>
        <FormAlert error={formError} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={fieldErrors.name} required />
        <TextAreaField label="Description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} error={fieldErrors.description} />
        <TextField label="Colour" type="color" className="form-control form-control-color" value={color} onChange={(e) => setColor(e.target.value)} error={fieldErrors.color} />
        <div className="d-flex justify-content-end gap-2">
          <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!name || mutation.isPending}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

export default function CategoriesPage() {
  const categories = useCategories();
  const remove = useDeleteCategory();
  const { isEditor } = useAuth();
  const [editing, setEditing] = useState<Category | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Category | null>(null);

  return (
    <>
      <PageHeader
        title="Categories"
        subtitle="Group assets for reporting (e.g. Business application, Infrastructure, Security)."
        actions={
          isEditor && (
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
              <Icon name="plus-lg" /> New category
            </button>
          )
        }
      />
      <QueryBoundary query={categories}>
        {(rows) =>
          rows.length === 0 ? (
            <EmptyState title="No categories yet" icon="tags" />
          ) : (
            <div className="card">
              <div className="table-responsive">
                <table className="table align-middle mb-0">
                  <caption className="visually-hidden">Categories</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Description</th>
                      <th scope="col" className="text-end">
                        Assets
                      </th>
                      {isEditor && (
                        <th scope="col" className="text-end">
                          <span className="visually-hidden">Actions</span>
                        </th>
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((category) => (
                      <tr key={category.id}>
                        <td>
                          <span className="d-inline-block rounded-circle me-2 align-middle" style={{ width: 12, height: 12, background: category.color || '#6c757d' }} aria-hidden="true" />
                          {category.name}
                        </td>
                        <td className="small text-body-secondary">{category.description}</td>
                        <td className="text-end">
                          <Link to={`/assets?category=${category.id}`}>{formatNumber(category.asset_count)}</Link>
                        </td>
                        {isEditor && (
                          <td className="text-end text-nowrap">
                            <button type="button" className="btn btn-sm btn-outline-secondary me-1" onClick={() => setEditing(category)}>
                              Edit<span className="visually-hidden"> {category.name}</span>
                            </button>
                            <button type="button" className="btn btn-sm btn-outline-danger" onClick={() => setDeleting(category)}>
                              Delete<span className="visually-hidden"> {category.name}</span>
                            </button>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          )
        }
      </QueryBoundary>
      {editing && <CategoryModal category={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
      {deleting && (
        <ConfirmDialog title="Delete category" confirmLabel="Delete" busy={remove.isPending} onClose={() => setDeleting(null)} onConfirm={() => remove.mutate(deleting.id, { onSettled: () => setDeleting(null) })}>
          Delete “{deleting.name}”? Its {deleting.asset_count} assets keep existing without a category.
        </ConfirmDialog>
      )}
    </>
  );
}
