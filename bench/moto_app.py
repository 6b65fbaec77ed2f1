"""moto's WSGI application for a keep-alive server (bench_discovery.start_moto runs it under Gunicorn).

`moto_server` serves with werkzeug's development server, which closes the connection after every answer:
each AWS call then costs a new TCP connection on both sides and a new server thread. AWS endpoints keep
connections open and botocore reuses them, so the benchmarks serve moto over HTTP/1.1 keep-alive
(Gunicorn's threaded worker, ONE process: moto keeps its state in memory).
"""

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    create_backend_app,
)

app = DomainDispatcherApplication(create_backend_app)
