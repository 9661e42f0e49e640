"""Qt-free protobuf core: wire primitives, schemaless decoding with readings, framing, schemas,
a byte-preserving editable document, and headless CLI commands.

Modules: wire (varints, fixed values, WireError), schemaless (lazy tree with exact offsets),
readings (ranked interpretations, pins, .proto export), framing (hex/base64 text, delimited and
gRPC streams), schema (SchemaRegistry), document (edits with undo/redo), render (raw text/JSON),
cli (decode/encode). No module here imports Qt.
"""
