#!/usr/bin/env bash
# gen.sh regenerates the extra clips of the ingest tests (codecs that the
# shared testdata/media does not carry) from FFmpeg's lavfi test source:
#
#   h265_320x180_15fps.h265  H.265 Annex B, 3 s, 1 s GOP, no B-frames,
#                            VPS/SPS/PPS repeated before every IRAP
#   vp9_320x180_15fps.ivf    VP9 profile 0, 3 s, 1 s GOP, no alt-ref
#   av1_320x180_15fps.ivf    AV1 (libaom realtime), 3 s, 1 s GOP
#
# Run from the repository root: internal/ingest/testdata/media/gen.sh
set -euo pipefail
out=${1:-internal/ingest/testdata/media}
ff=(ffmpeg -hide_banner -loglevel error -y)
src="testsrc2=size=320x180:rate=15:duration=3"

"${ff[@]}" -f lavfi -i "$src" -c:v libx265 -pix_fmt yuv420p -preset ultrafast -tune zerolatency \
  -b:v 150k -x265-params "keyint=15:min-keyint=15:scenecut=0:bframes=0:repeat-headers=1:log-level=error" \
  -f hevc "$out/h265_320x180_15fps.h265"

"${ff[@]}" -f lavfi -i "$src" -c:v libvpx-vp9 -b:v 150k -g 15 -keyint_min 15 -deadline realtime \
  -cpu-used 8 -lag-in-frames 0 -auto-alt-ref 0 -row-mt 0 -f ivf "$out/vp9_320x180_15fps.ivf"

"${ff[@]}" -f lavfi -i "$src" -c:v libaom-av1 -usage realtime -cpu-used 8 -b:v 150k -g 15 \
  -keyint_min 15 -lag-in-frames 0 -f ivf "$out/av1_320x180_15fps.ivf"
ls -l "$out"
