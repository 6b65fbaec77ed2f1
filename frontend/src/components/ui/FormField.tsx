import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldShellProps {
  label: ReactNode;
  error?: string[];
  help?: ReactNode;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
  className?: string;
}

/** Label, control, help text and the server's messages for that field, wired by id. */
function FieldShell({ label, error, help, children, className = 'mb-3' }: FieldShellProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const helpId = `${id}-help`;
  const invalid = Boolean(error && error.length);
  const describedBy = [invalid ? errorId : null, help ? helpId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="form-label">
        {label}
      </label>
      {children({ id, describedBy, invalid })}
      {invalid && (
        <div id={errorId} className="invalid-feedback d-block">
          {error!.join(' ')}
        </div>
      )}
      {help && (
        <div id={helpId} className="form-text">
          {help}
        </div>
      )}
    </div>
  );
}

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & { label: ReactNode; error?: string[]; help?: ReactNode; wrapperClassName?: string };

export function TextField({ label, error, help, wrapperClassName, className = 'form-control', ...input }: TextFieldProps) {
  return (
    <FieldShell label={label} error={error} help={help} className={wrapperClassName}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          className={`${className}${invalid ? ' is-invalid' : ''}`}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          {...input}
        />
      )}
    </FieldShell>
  );
}

type TextAreaFieldProps = TextareaHTMLAttributes<HTMLTextAreaElement> & { label: ReactNode; error?: string[]; help?: ReactNode; wrapperClassName?: string };

export function TextAreaField({ label, error, help, wrapperClassName, ...input }: TextAreaFieldProps) {
  return (
    <FieldShell label={label} error={error} help={help} className={wrapperClassName}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          className={`form-control${invalid ? ' is-invalid' : ''}`}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          {...input}
        />
      )}
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label: string;
}

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: ReactNode;
  options: Option[];
  error?: string[];
  help?: ReactNode;
  emptyLabel?: string;
  wrapperClassName?: string;
};

export function SelectField({ label, options, error, help, emptyLabel, wrapperClassName, ...select }: SelectFieldProps) {
  return (
    <FieldShell label={label} error={error} help={help} className={wrapperClassName}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          className={`form-select${invalid ? ' is-invalid' : ''}`}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          {...select}
        >
          {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

type CheckboxFieldProps = InputHTMLAttributes<HTMLInputElement> & { label: ReactNode; error?: string[]; help?: ReactNode; wrapperClassName?: string };

export function CheckboxField({ label, error, help, wrapperClassName = 'mb-3', ...input }: CheckboxFieldProps) {
  const id = useId();
  const invalid = Boolean(error && error.length);
  return (
    <div className={`form-check ${wrapperClassName}`}>
      <input id={id} type="checkbox" className={`form-check-input${invalid ? ' is-invalid' : ''}`} {...input} />
      <label htmlFor={id} className="form-check-label">
        {label}
      </label>
      {help && <div className="form-text">{help}</div>}
      {invalid && <div className="invalid-feedback d-block">{error!.join(' ')}</div>}
    </div>
  );
}

/** The message for errors that belong to no field (detail / non_field_errors). */
export function FormAlert({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <div className="alert alert-danger py-2" role="alert">
      {error}
    </div>
  );
}
