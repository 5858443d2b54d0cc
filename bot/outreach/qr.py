"""QR codes of deep links as PNG files (segno: pure Python, writes PNG itself)."""

from __future__ import annotations

from pathlib import Path

from bot.outreach.links import LinkError

QR_SCALE = 8
QR_BORDER = 4


def write_qr_png(url: str, path: Path) -> None:
    """Write ``url`` as a QR code (error correction M, quiet zone of 4 modules) to ``path``."""
    try:
        import segno
    except ImportError as err:
        raise LinkError("--qr needs the 'segno' package (pip install segno)") from err
    try:
        segno.make(url, error="m", micro=False).save(str(path), kind="png", scale=QR_SCALE,
                                                     border=QR_BORDER)
    except OSError as err:
        raise LinkError(f"writing the QR code to {path} failed: {err}") from err
