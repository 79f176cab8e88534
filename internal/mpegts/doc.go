// Package mpegts holds the MPEG-TS (ISO/IEC 13818-1) code shared by the
// writer of SPEC §3's TS segments (package hls) and their readers: the
// HLS → MP4 remux (package mp4, SPEC §3 hls+mp4 output) and the merge tool
// of SPEC §7 (package merge).
//
// For the writer: the CRC-32/MPEG-2 of PSI sections (CRC32) and the 5-byte
// PES timestamp fields (PutTimestamp). For the readers: Reader, which reads
// the PES packets of one program's video (H.264/H.265) and audio (AAC,
// Opus) streams with their 33-bit PTS and DTS; ParsePES, ParsePAT and
// Payload for code that walks TS packets itself; ReadTimestamp and
// WrapDelta for 33-bit timestamps; OpusAccessUnit for the Opus framing
// inside a PES packet.
//
// Reader reads packets in place from one reused buffer and gathers each
// PES in a reused buffer: it allocates nothing per packet, so a remux
// reading through it runs at disk speed (mediacommon's mpegts.Reader, built
// on go-astits, allocates per packet and rewinds its input to find the
// PMT). Damage inside a file (lost packets, a bad PES header, a broken PSI
// section, a file cut inside a packet) drops what it touches and is
// reported to the caller's glitch function; only a file that is not
// MPEG-TS (ErrNotTS) or cannot be read fails.
package mpegts
