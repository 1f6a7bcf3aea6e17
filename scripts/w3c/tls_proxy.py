#!/usr/bin/env python3
"""A minimal TLS terminator: accept TLS on LISTEN, relay the plain bytes to TARGET.

Standard library only (asyncio + ssl), so nothing to install. It relays TCP
streams, so HTTP/1.1 keep-alive, chunked bodies and the Host header pass through
untouched. Meant for loopback testing only (scripts/w3c-suites.sh).

    tls_proxy.py --listen 127.0.0.1:20443 --target 127.0.0.1:20680 \
        --cert cert.pem --key key.pem
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import ssl
import sys


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError, ssl.SSLError):
            writer.close()


async def _serve(args: argparse.Namespace) -> None:
    target_host, target_port = _address(args.target)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            upstream_r, upstream_w = await asyncio.open_connection(target_host, target_port)
        except OSError as exc:
            print(f"tls_proxy: cannot reach {args.target}: {exc}", file=sys.stderr)
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, upstream_w), _pipe(upstream_r, client_w))
        for w in (client_w, upstream_w):
            w.close()

    host, port = _address(args.listen)
    server = await asyncio.start_server(handle, host, port, ssl=context, backlog=256)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"tls_proxy: https://{host}:{port} -> http://{target_host}:{target_port}", flush=True)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="host:port to accept TLS on")
    parser.add_argument("--target", required=True, help="host:port of the plain HTTP server")
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
