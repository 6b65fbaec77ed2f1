/** A decorative bootstrap-icons glyph; the control around it carries the accessible name. */
export function Icon({ name, className = '' }: { name: string; className?: string }) {
  return <i className={`bi bi-${name} ${className}`.trim()} aria-hidden="true" />;
}
