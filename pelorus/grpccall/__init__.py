"""Call any gRPC method: the Qt-free core behind ``python main.py call`` and the console's Call panel.

Requests travel as bytes end to end (grpc's generic multi-callables with no serializers), so a
message read from a .bin file reaches the server exactly as it was, and a response is kept exactly as
the server sent it; JSON and text are only a view computed from those bytes with the schema.

    target.py    where to call and how (TLS, client certificate, headers) -> a grpc.aio channel
    schemas.py   the method's schema: server reflection (v1, then v1alpha) or .proto / descriptor sets
    payload.py   requests from JSON (several, NDJSON or an array; errors name field, line, column),
                 text or binary; responses to JSON, text or delimited binary
    invoke.py    one call of any of the four kinds, its status, headers, trailers and timing
    cli.py       the command line
"""
