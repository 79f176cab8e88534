// Command server is a runnable recording server built on roomrec: one
// process that browsers (or OBS, or any WHIP client) publish into, that
// records the rooms to local disk as HLS, and that serves the recordings
// back. It shows the pieces of the library working together (SPEC §1–3,
// §6, §8):
//
//   - /api: the service-compatible HTTP API of package api
//     (CreateCloudRecording, DescribeCloudRecording, ModifyCloudRecording,
//     DeleteCloudRecording, signed with TC3-HMAC-SHA256). The SecretId and
//     SecretKey come from -secret-id and -secret-key; the built-in pair,
//     printed at start-up, is for local use only.
//   - /whip/<room>/<user>: WHIP ingest (RFC 9725) with pion/webrtc: POST an
//     SDP offer (Content-Type application/sdp), get 201 Created, the SDP
//     answer (every ICE candidate included: no trickle, so PATCH is 405)
//     and a Location whose DELETE ends the session. Each session is one
//     user publishing Opus audio and H.264 or VP8 video into a room of
//     SdkAppId -sdkappid; the room is a recorder.Room fed by pionrec. A
//     room of digits is a numeric room id, anything else a string room id.
//     A new session of the same user in a room replaces the earlier one.
//   - /recordings/: the recordings folder (-dir), the local-disk storage,
//     served with the HLS content types (.m3u8
//     application/vnd.apple.mpegurl, .ts video/mp2t); playlists of running
//     recordings are served as they grow.
//   - /: a page (plain HTML and JavaScript, embedded in the binary) that
//     publishes the camera and microphone over WHIP with H.264 or VP8,
//     starts and stops recordings of its room, shows the events 301–312 as
//     they arrive, and plays a finished or running playlist with hls.js.
//     hls.js is not committed: `make hlsjs` installs it from the npm
//     registry into bin/hls.min.js, which the server reads from disk
//     (-hlsjs) and serves at /static/hls.min.js; without it the server
//     and the page say how to install it.
//
// The page cannot sign API calls (a SecretKey does not belong in a
// browser), so it uses small unsigned JSON endpoints under /ui/ that call
// the recorder directly. They are served to loopback clients only, unless
// -ui-any-client is given; their POSTs must be application/json, which a
// cross-site page cannot send without a CORS preflight that is never
// granted. Put the server behind an authenticating proxy before using
// -ui-any-client.
//
// WebRTC stays on the loopback interface by default (the SettingEngine of
// internal/loopback: host candidates on "lo", no mDNS, no STUN), so a
// browser on the same machine can publish and nothing else can reach it.
// For a deployment, -ice-interface picks the interface to gather on,
// -ice-public-ip announces the public address of a 1:1 NAT, -udp-ports
// bounds the media ports and -whip-token requires a bearer token.
//
// Run it from the repository's root:
//
//	make server          # installs hls.js (npm) and runs the server
//	go run ./examples/server -dir ./recordings
//
// then open http://127.0.0.1:8080/. The tests run the server in-process:
// main_test.go publishes with pion over WHIP and drives /api with the
// Tencent Cloud SDK; browser_test.go does the same with headless Chromium
// (chromedp) publishing H.264 and VP8 from its fake camera, and plays the
// recording back in the page with hls.js.
package main
