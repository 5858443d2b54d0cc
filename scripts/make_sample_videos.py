#!/usr/bin/env python3
"""Generate small SAMPLE title-card videos for the clips in the content index.

For every clip id in ``content_index.yaml`` (and ``content_index.part2.yaml`` if it
exists) this writes ``media/samples/<clip-id>.mp4``: a 4-second 320x180 title card
reading "SAMPLE CLIP", the clip id and its English title, encoded so that Telegram
and browsers play it (H.264 main profile, yuv420p, +faststart) with a silent AAC
track. Each file is a few KB up to roughly 20 KB.

These are placeholders for the demo and tests only. The real organisation replaces
them with its own testimony clips.

Requirements: ``ffmpeg`` with libx264, AAC and the drawtext filter (libfreetype), and
a TrueType font (DejaVu Sans by default). On Debian/Ubuntu:

    apt-get install -y ffmpeg fonts-dejavu-core

The generated files are committed, so the demo and CI do not need ffmpeg.

Usage:
    python scripts/make_sample_videos.py            # make missing files
    python scripts/make_sample_videos.py --force    # remake all
    python scripts/make_sample_videos.py --only salary-never-came
    python scripts/make_sample_videos.py --index content_index.yaml   # one part only
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
INDEX_FILES = ("content_index.yaml", "content_index.part2.yaml")
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/Arial.ttf",
)
WIDTH, HEIGHT, SECONDS = 320, 180, 4


def load_clips(root: Path, index_files: tuple[str, ...] = INDEX_FILES) -> list[tuple[str, str]]:
    """Return (clip id, English title) for every clip in the index files present."""
    clips: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name in index_files:
        path = root / name
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for clip in data.get("clips") or []:
            clip_id = str(clip.get("id", "")).strip()
            if not clip_id or clip_id in seen:
                continue
            seen.add(clip_id)
            title = clip.get("title") or {}
            en = title.get("en", "") if isinstance(title, dict) else str(title)
            clips.append((clip_id, str(en)))
    return clips


def find_font(explicit: str | None) -> str:
    if explicit:
        return explicit
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    sys.exit("no font found; install fonts-dejavu-core or pass --font PATH")


def _escape_path(path: str) -> str:
    """Escape a path for use inside an ffmpeg filter option value."""
    return path.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def make_video(clip_id: str, title: str, out: Path, font: str, tmp: Path) -> None:
    # Text goes through files so that no quoting of titles is needed.
    id_file = tmp / f"{clip_id}.id.txt"
    title_file = tmp / f"{clip_id}.title.txt"
    id_file.write_text(clip_id, encoding="utf-8")
    wrapped = "\n".join(textwrap.wrap(title, width=30)[:3]) or " "
    title_file.write_text(wrapped, encoding="utf-8")
    f = _escape_path(font)
    vf = ",".join(
        [
            f"drawtext=fontfile='{f}':text='SAMPLE CLIP':fontsize=26:fontcolor=0xF2C14E"
            ":x=(w-text_w)/2:y=18",
            f"drawtext=fontfile='{f}':textfile='{_escape_path(str(id_file))}'"
            ":fontsize=13:fontcolor=0xBBBBBB:x=(w-text_w)/2:y=56",
            f"drawtext=fontfile='{f}':textfile='{_escape_path(str(title_file))}'"
            ":fontsize=16:fontcolor=white:line_spacing=4:x=(w-text_w)/2:y=86",
            f"drawtext=fontfile='{f}':text='placeholder - not real testimony'"
            ":fontsize=11:fontcolor=0x888888:x=(w-text_w)/2:y=h-20",
        ]
    )
    cmd = [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"color=c=0x1E2A38:s={WIDTH}x{HEIGHT}:r=10:d={SECONDS}",
        "-f", "lavfi", "-i", "anullsrc=channel_layout=mono:sample_rate=22050",
        "-vf", vf,
        "-c:v", "libx264", "-profile:v", "main", "-pix_fmt", "yuv420p",
        "-preset", "veryslow", "-tune", "stillimage", "-crf", "30", "-g", "40",
        "-c:a", "aac", "-b:a", "16k", "-ac", "1",
        "-t", str(SECONDS), "-shortest",
        "-movflags", "+faststart",
        "-metadata", f"title=SAMPLE CLIP {clip_id}",
        str(out),
    ]
    subprocess.run(cmd, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.add_argument("--only", nargs="*", metavar="ID", help="only these clip ids")
    parser.add_argument("--font", help="TrueType font file for the title card")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root")
    parser.add_argument(
        "--index",
        action="append",
        metavar="FILE",
        help="index file(s) to read, relative to the root (default: both parts)",
    )
    args = parser.parse_args(argv)

    if shutil.which("ffmpeg") is None:
        sys.exit("ffmpeg not found; install it (e.g. apt-get install -y ffmpeg fonts-dejavu-core)")
    font = find_font(args.font)
    clips = load_clips(args.root, tuple(args.index) if args.index else INDEX_FILES)
    if args.only:
        wanted = set(args.only)
        clips = [c for c in clips if c[0] in wanted]
    out_dir = args.root / "media" / "samples"
    out_dir.mkdir(parents=True, exist_ok=True)

    made = skipped = 0
    with tempfile.TemporaryDirectory() as tmpdir:
        for clip_id, title in clips:
            out = out_dir / f"{clip_id}.mp4"
            if out.exists() and not args.force:
                skipped += 1
                continue
            make_video(clip_id, title, out, font, Path(tmpdir))
            made += 1
            print(f"{out.relative_to(args.root)}  {out.stat().st_size} bytes")
    print(f"made {made}, skipped {skipped} existing (use --force to remake)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
