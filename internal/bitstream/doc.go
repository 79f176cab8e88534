// Package bitstream holds the codec bitstream helpers that the media
// layers of SPEC §2 and §3 share, pure Go so that the builds without cgo
// (package hls, mp4 and the merge tool) use the same code as the cgo codec
// layer (internal/codec) and the mixer (internal/mix):
//
//   - H.264/H.265 Annex B byte streams: CutAnnexB and SplitAnnexB take the
//     NAL units out of one (start codes of 3 or 4 bytes, trailing zero
//     bytes dropped), AppendAnnexB writes them back with 4-byte start codes.
//   - Opus packets (RFC 6716 §3.1): OpusSamples gives a packet's length in
//     48 kHz samples from its TOC byte and frame count, StrictOpusSamples
//     also checks the framing rules that need no decoding.
//
// Nothing here allocates unless asked to append.
package bitstream
