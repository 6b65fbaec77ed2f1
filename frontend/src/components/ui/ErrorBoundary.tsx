import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/** Keeps a failing page from taking the whole app down: the layout stays, the page shows the error. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Page error', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="alert alert-danger" role="alert">
        <h1 className="h5">Something went wrong on this page</h1>
        <p className="mb-2 small font-monospace">{this.state.error.message}</p>
        <button type="button" className="btn btn-sm btn-outline-danger" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
