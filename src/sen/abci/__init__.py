"""The ABCI 2.0 socket server: CometBFT v0.38 drives ``SenApp`` through it.

``server`` speaks the wire protocol (length-prefixed protobuf frames, one
ordered handler per connection), ``translate`` maps the protobuf messages to
the port's dataclasses (``sen.abci.types``), ``proto`` holds the generated
protobuf modules and ``protogen`` regenerates them.
"""
