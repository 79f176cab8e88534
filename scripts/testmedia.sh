#!/usr/bin/env bash
# testmedia.sh regenerates the committed test clips under testdata/media from
# FFmpeg's lavfi test sources, so anyone can rebuild them (make testmedia).
#
#   h264_640x360_15fps.h264  H.264 constrained baseline, Annex B, 10 s, 1 s GOP,
#                            SPS/PPS repeated before every IDR (as browsers send)
#   opus_48k_stereo.ogg      Opus 48 kHz stereo, 20 ms frames, one packet per Ogg page
#                            (so pion's oggreader yields packets), 10 s, a beep each second
#   vp8_640x360_15fps.ivf    VP8, 10 s, 1 s GOP
#   solid_<colour>.h264/.ivf 2 s clips of one solid colour (for mixed-layout checks)
set -euo pipefail
out=${1:-testdata/media}
mkdir -p "$out"
ff=(ffmpeg -hide_banner -loglevel error -y)
# The same moving picture for every video clip: a test pattern with a timer.
src="testsrc2=size=640x360:rate=15:duration=10"

"${ff[@]}" -f lavfi -i "$src" -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p \
  -preset veryfast -threads 1 -b:v 300k -maxrate 300k -bufsize 300k \
  -g 15 -keyint_min 15 -sc_threshold 0 -bf 0 -x264-params repeat-headers=1:aud=0 \
  -bsf:v h264_mp4toannexb -f h264 "$out/h264_640x360_15fps.h264"

# A 440 Hz tone with a 1 kHz beep of 100 ms at the start of every second.
"${ff[@]}" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=10" \
  -f lavfi -i "sine=frequency=1000:sample_rate=48000:duration=10" \
  -filter_complex "[1]volume='if(lt(mod(t,1),0.1),1,0)':eval=frame[b];[0][b]amix=inputs=2:normalize=0,aformat=channel_layouts=stereo" \
  -c:a libopus -b:a 32k -frame_duration 20 -application voip -page_duration 20000 "$out/opus_48k_stereo.ogg"

"${ff[@]}" -f lavfi -i "$src" -c:v libvpx -b:v 300k -g 15 -keyint_min 15 -deadline realtime \
  -cpu-used 8 -f ivf "$out/vp8_640x360_15fps.ivf"

for c in red:FF0000 green:00FF00 blue:0000FF yellow:FFFF00 magenta:FF00FF cyan:00FFFF white:FFFFFF orange:FF8000; do
  name=${c%%:*} rgb=${c##*:}
  s="color=c=0x${rgb}:size=640x360:rate=15:duration=2"
  "${ff[@]}" -f lavfi -i "$s" -c:v libx264 -profile:v baseline -pix_fmt yuv420p -preset veryfast \
    -g 15 -keyint_min 15 -sc_threshold 0 -bf 0 -threads 1 -x264-params repeat-headers=1 \
    -bsf:v h264_mp4toannexb -f h264 "$out/solid_${name}.h264"
  "${ff[@]}" -f lavfi -i "$s" -c:v libvpx -b:v 100k -g 15 -deadline realtime -cpu-used 8 \
    -f ivf "$out/solid_${name}.ivf"
done
ls -l "$out"
du -ch "$out"/* | tail -1
