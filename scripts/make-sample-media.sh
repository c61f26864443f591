#!/usr/bin/env bash
# Draws the bundled sample media into config/assets/ from the hand-written SVGs next to them:
#   cat.png  320x240 RGB, a cartoon cat face
#   dog.png  160x160 RGBA, a cartoon dog head on a transparent background (used by the `dog` effect)
#   cat.mp4  2 s, 320x240, 25 fps, H.264 yuv420p + AAC 440 Hz tone, a slow pan over the cat
#   cat-small.png, cat-small.mp4  the same at 160x120 (the clip: its first second, 12 fps, no sound): the
#            small proxies the /effects page renders its previews from, so a preview costs little
# No downloads: the SVGs are rasterised by ffmpeg's librsvg decoder. Every output is written with
# bitexact flags and no metadata, so the same ffmpeg build regenerates the same bytes.
set -euo pipefail
ASSETS="$(cd "$(dirname "$0")/../config/assets" && pwd)"
FF=(ffmpeg -hide_banner -loglevel error -nostdin -y)
BITEXACT=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 -map_chapters -1)

"${FF[@]}" -i "$ASSETS/cat.svg" -vf format=rgb24 -frames:v 1 "${BITEXACT[@]}" "$ASSETS/cat.png"
"${FF[@]}" -i "$ASSETS/dog.svg" -vf format=rgba -frames:v 1 "${BITEXACT[@]}" "$ASSETS/dog.png"
"${FF[@]}" -loop 1 -framerate 25 -t 2 -i "$ASSETS/cat.png" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=2" \
  -filter_complex "[0:v]scale=352:264,crop=320:240:'16+16*sin(2*PI*t/2)':'12*t/2',format=yuv420p[v];[1:a]volume=0.5,aformat=channel_layouts=stereo[a]" \
  -map '[v]' -map '[a]' -t 2 \
  -c:v libx264 -preset fast -crf 23 -g 50 -threads 1 -pix_fmt yuv420p -c:a aac -b:a 96k \
  -movflags +faststart "${BITEXACT[@]}" "$ASSETS/cat.mp4"
"${FF[@]}" -i "$ASSETS/cat.png" -vf scale=160:120:flags=lanczos,format=rgb24 -frames:v 1 "${BITEXACT[@]}" "$ASSETS/cat-small.png"
"${FF[@]}" -i "$ASSETS/cat.mp4" -t 1 -an -vf fps=12,scale=160:120:flags=lanczos,format=yuv420p \
  -c:v libx264 -preset fast -crf 26 -g 12 -threads 1 -pix_fmt yuv420p \
  -movflags +faststart "${BITEXACT[@]}" "$ASSETS/cat-small.mp4"
ls -l "$ASSETS"/cat-small.png "$ASSETS"/cat-small.mp4 "$ASSETS"/cat.png "$ASSETS"/dog.png "$ASSETS"/cat.mp4
