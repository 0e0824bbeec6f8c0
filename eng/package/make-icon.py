#!/usr/bin/env python3
"""Draws FioMem's package icon (icon.png, 128x128) with the standard library only.

A block of memory, cut into 16 slices: most handed out (light), a few free (dark), on a rounded square. Run it from
anywhere; it rewrites icon.png beside itself. The output is the same byte for byte on every run.
"""
import os
import struct
import zlib

SIZE = 128
BACKGROUND = (0x1F, 0x3A, 0x5F)
SLICE = (0xF5, 0xA6, 0x23)
FREE = (0x2C, 0x50, 0x7E)
# Which of the 4x4 slices are handed out (1) or free (0), row by row.
PATTERN = [
    "1111",
    "1101",
    "1110",
    "1000",
]


def inside_rounded_square(x, y, margin=4, radius=18):
    lo, hi = margin, SIZE - 1 - margin
    if not (lo <= x <= hi and lo <= y <= hi):
        return False
    cx = min(max(x, lo + radius), hi - radius)
    cy = min(max(y, lo + radius), hi - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def pixel(x, y):
    if not inside_rounded_square(x, y):
        return (0, 0, 0, 0)
    origin, cell, gap = 20, 22, 4
    col, row = (x - origin) // cell, (y - origin) // cell
    if 0 <= col < 4 and 0 <= row < 4 and x >= origin and y >= origin:
        dx, dy = (x - origin) % cell, (y - origin) % cell
        if dx < cell - gap and dy < cell - gap:
            return (*(SLICE if PATTERN[row][col] == "1" else FREE), 255)
    return (*BACKGROUND, 255)


def png(width, height, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(channel for p in row for channel in p) for row in rows)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


if __name__ == "__main__":
    rows = [[pixel(x, y) for x in range(SIZE)] for y in range(SIZE)]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icon.png")
    with open(path, "wb") as f:
        f.write(png(SIZE, SIZE, rows))
    print(path)
